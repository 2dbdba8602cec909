/**
 * Builds models/registry.json (our registry format) from a CellTypist catalog models.json (the
 * public list the CellTypist team publishes; a snapshot is in ../shared/catalog for tests).
 * Keeps what the product needs offline and adds what the catalog lacks (sizes, sha256 where
 * known, mirrors). Re-run when the catalog changes:
 *
 *   tsx scripts/make-registry.ts [--catalog ../shared/catalog/models.json] [--out models/registry.json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** Facts we know that the catalog does not carry (verified downloads). */
const KNOWN: Record<string, { size: number; sha256: string }> = {
  'Immune_All_Low.pkl@v2': { size: 2824990, sha256: '290874d35dac039d4c9218c343fde4aac1077709b72a331ce7266f6828c36502' },
};

const { values } = parseArgs({ options: { catalog: { type: 'string', default: '../shared/catalog/models.json' }, out: { type: 'string', default: 'models/registry.json' } } });
const catalog = JSON.parse(readFileSync(values.catalog!, 'utf8')) as {
  last_update: string;
  models: { filename: string; url: string; version: string; date: string; details: string; No_celltypes: number; source: string; default?: boolean }[];
};
const registry = {
  format: 1,
  catalog_url: 'https://celltypist.cog.sanger.ac.uk/models/models.json',
  catalog_last_update: catalog.last_update,
  models: catalog.models.map((m) => {
    const known = KNOWN[`${m.filename}@${m.version}`];
    return {
      name: m.filename.replace(/\.pkl$/, ''),
      file: m.filename,
      url: m.url,
      mirrors: [] as string[],
      version: m.version,
      date: m.date,
      details: m.details,
      n_cell_types: m.No_celltypes,
      source: m.source,
      default: m.default === true,
      size: known?.size ?? null,
      sha256: known?.sha256 ?? null,
    };
  }),
};
writeFileSync(values.out!, JSON.stringify(registry, null, 1) + '\n');
console.log(`wrote ${values.out}: ${registry.models.length} models`);
