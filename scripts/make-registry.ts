/**
 * Builds models/registry.json (our registry format) from a CellTypist catalog models.json (the
 * public list the CellTypist team publishes; a snapshot is in ../shared/catalog for tests).
 * Keeps what the product needs offline and adds what the catalog lacks (sizes, sha256 where
 * known, mirrors). Re-run when the catalog changes:
 *
 *   tsx scripts/make-registry.ts [--catalog ../shared/catalog/models.json] [--known ../shared/catalog/known_sha256.json]
 *                                [--out models/registry.json]
 *
 * --known: sha256 and sizes of catalog files as pinned by reference-data catalogs (a JSON with
 * models: [{ file, version, size, sha256 }]); downloads and mirrors are verified against them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';


/**
 * The gene tables CellTypist ships next to its code (public Ensembl/GENCODE data), pinned to a
 * commit so the checksum holds; the main branch is a mirror (used only while it still matches).
 */
const GENE_TABLE_COMMIT = 'fe357564a6625d3b1732a022fd39f18e55696e80';
const GENE_TABLES = [
  {
    name: 'Ensembl105_Human2Mouse_Genes',
    file: 'Ensembl105_Human2Mouse_Genes.csv',
    details: 'human_symbol,mouse_symbol orthologs (Ensembl 105), used by Model.convert()',
    size: 557901,
    sha256: '4a174c83cfa70aad7c470d8e453fda94d8fb5d70f8a2f0ae196d54c9e31369f1',
  },
  {
    name: 'GENCODEv44_Gene_id2name',
    file: 'GENCODEv44_Gene_id2name.csv',
    details: 'ensembl_gene_id,symbol (human GENCODE v44)',
    size: 1658156,
    sha256: '0a8d9b07cf63f9ef70e65f3c7afc9d2092a7d9890281172df770003827912f53',
  },
].map((t) => ({
  ...t,
  url: `https://raw.githubusercontent.com/Teichlab/celltypist/${GENE_TABLE_COMMIT}/celltypist/data/samples/${t.file}`,
  mirrors: [`https://raw.githubusercontent.com/Teichlab/celltypist/main/celltypist/data/samples/${t.file}`],
  version: GENE_TABLE_COMMIT.slice(0, 7),
}));

const { values } = parseArgs({
  options: {
    catalog: { type: 'string', default: '../shared/catalog/models.json' },
    known: { type: 'string', default: '../shared/catalog/known_sha256.json' },
    out: { type: 'string', default: 'models/registry.json' },
  },
});
/** Facts we know that the catalog does not carry (verified downloads), by "file@version". */
const KNOWN: Record<string, { size: number; sha256: string }> = {};
for (const k of (JSON.parse(readFileSync(values.known!, 'utf8')) as { models: { file: string; version: string; size: number; sha256: string }[] }).models) {
  if (!/^[0-9a-f]{64}$/.test(k.sha256)) throw new Error(`${values.known}: bad sha256 for ${k.file}`);
  KNOWN[`${k.file}@${k.version}`] = { size: k.size, sha256: k.sha256 };
}
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
  gene_tables: GENE_TABLES,
};
writeFileSync(values.out!, JSON.stringify(registry, null, 1) + '\n');
console.log(`wrote ${values.out}: ${registry.models.length} models`);
