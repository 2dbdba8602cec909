/**
 * Derives the shipped encyclopedia files (models/encyclopedia/<model>_<version>.json, the compact
 * format of web/engine/encyclopedia/format.ts) from the encyclopedia facts in
 * ../shared/catalog/encyclopedia/*.json (made from CellTypist's encyclopedia database). Keeps what
 * the label cards, the hierarchy and the ontology columns use; tissue and study names are stored
 * once. Deterministic: web/engine/encyclopedia/shipped.test.ts checks the shipped files against it.
 *
 *   node --import tsx scripts/make-encyclopedia.ts [--check]
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encyclopediaFileName, type EncyclopediaFile } from '../web/engine/encyclopedia/format.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.CT_SHARED ?? path.join(repo, '..', 'shared');
export const SOURCE_DIR = path.join(shared, 'catalog/encyclopedia');
export const SHIPPED_DIR = path.join(repo, 'models/encyclopedia');

/** The source's shape (../shared/catalog/README.md). */
interface SourceFile {
  source: { repository: string; commit: string; path: string };
  models: { low: string; high?: string; version: string };
  high_level_types: string[];
  cell_types: { name: string; high_level: string; cell_ontology_id: string; curated_markers: string[]; tissues: string[]; datasets: { name: string; pubmed_id: string }[] }[];
}

const base = (file: string) => file.replace(/\.pkl$/i, '');

/** The compact file of one source file. */
export function derive(src: SourceFile): EncyclopediaFile {
  const tissues = [...new Set(src.cell_types.flatMap((t) => t.tissues))].sort();
  const studyKey = (d: { name: string; pubmed_id: string }) => `${d.name}\u0000${d.pubmed_id}`;
  const studies = [...new Map(src.cell_types.flatMap((t) => t.datasets).map((d) => [studyKey(d), [d.name, d.pubmed_id ?? ''] as [string, string]])).entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, s]) => s);
  const tIndex = new Map(tissues.map((t, i) => [t, i]));
  const sIndex = new Map(studies.map((s, i) => [studyKey({ name: s[0], pubmed_id: s[1] }), i]));
  const pIndex = new Map(src.high_level_types.map((p, i) => [p, i]));
  return {
    format: 1,
    model: base(src.models.low),
    version: src.models.version,
    ...(src.models.high ? { parent_model: base(src.models.high) } : {}),
    source: `${src.source.repository}@${src.source.commit.slice(0, 7)}: ${src.source.path}`,
    tissues,
    studies,
    parents: src.high_level_types,
    types: src.cell_types.map((t) => ({
      name: t.name,
      parent: pIndex.get(t.high_level) ?? -1,
      cl: t.cell_ontology_id ?? '',
      markers: t.curated_markers,
      tissues: t.tissues.map((x) => tIndex.get(x)!).sort((a, b) => a - b),
      studies: t.datasets.map((d) => sIndex.get(studyKey({ name: d.name, pubmed_id: d.pubmed_id ?? '' }))!).sort((a, b) => a - b),
    })),
  };
}

/** The compact JSON text: one line per cell type (readable diffs, ~13 KB for 98 types). */
export function format(f: EncyclopediaFile): string {
  const { types, ...head } = f;
  const top = JSON.stringify(head, null, 1).replace(/\n\s*/g, ' ').replace(/\}$/, '');
  return `${top}, "types": [\n${types.map((t) => JSON.stringify(t)).join(',\n')}\n]}\n`;
}

/** Every shipped file derived from the sources: file name -> text. */
export function deriveAll(): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(SOURCE_DIR).filter((n) => n.endsWith('.json')).sort()) {
    const f = derive(JSON.parse(readFileSync(path.join(SOURCE_DIR, name), 'utf8')) as SourceFile);
    out.set(encyclopediaFileName(f.model, f.version), format(f));
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [name, text] of deriveAll()) {
    const target = path.join(SHIPPED_DIR, name);
    if (check) {
      let now = '';
      try {
        now = readFileSync(target, 'utf8');
      } catch {}
      if (now !== text) {
        console.error(`${target} differs from its source: run scripts/make-encyclopedia.ts`);
        stale++;
      }
    } else {
      writeFileSync(target, text);
      console.log(`wrote ${path.relative(repo, target)} (${text.length.toLocaleString('en-US')} bytes)`);
    }
  }
  process.exit(stale ? 1 : 0);
}
