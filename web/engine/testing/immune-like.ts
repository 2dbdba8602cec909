/**
 * Deterministic test data for the encyclopedia features: a 98-type model whose labels are
 * Immune_All_Low's 98 types (../shared/bench/bench98.pkl with its labels renamed: its 8 labels
 * that are encyclopedia names keep their names, the others take the remaining names in the
 * encyclopedia's order), and a 2-D obsm['X_umap'] added to a synthetic .h5ad so the app plots it
 * at once (a layout of the file's 30 groups, not a real UMAP).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadModel } from '../annotate.ts';
import { modelDataOf, writeModelPickle } from '../models/pickle-writer.ts';
import { loadCore } from '../wasm/load.ts';
import { sharedPath } from './fixtures.ts';

/** Writes the renamed bench98 model at `out` (description version 'v2'); returns its labels. */
export async function writeImmuneLikeModel(out: string): Promise<string[]> {
  const enc = JSON.parse(readFileSync(sharedPath('catalog/encyclopedia/Immune_All_Low_v2.json'), 'utf8')) as { cell_types: { name: string }[] };
  const names = enc.cell_types.map((t) => t.name);
  const { core } = await loadCore({ variant: 'simd' });
  const m = loadModel(core, readFileSync(sharedPath('bench/bench98.pkl')));
  try {
    const data = modelDataOf(m);
    const keep = new Set(data.labels.filter((l) => names.includes(l)));
    const free = names.filter((n) => !keep.has(n));
    let next = 0;
    data.labels = data.labels.map((l) => (keep.has(l) ? l : free[next++]));
    if (new Set(data.labels).size !== 98 || next !== free.length) throw new Error('bench98 does not map onto the 98 encyclopedia types');
    data.description = { ...data.description, details: 'bench98 with Immune_All_Low v2 type names (tests)', version: 'v2' };
    writeFileSync(out, writeModelPickle(data));
    return data.labels;
  } finally {
    m.delete();
  }
}

/** Adds obsm['X_umap'] to the synthetic .h5ad at `path`: each cell near its group's point on a circle. */
export async function addEmbedding(path: string, groups = 30): Promise<void> {
  const h5 = (await import('h5wasm/node')).default;
  await h5.ready;
  const f = new h5.File(path, 'a');
  try {
    const n = (f.get('obs/_index') as unknown as { shape: number[] }).shape[0];
    const xy = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const g = i % groups;
      const a = (2 * Math.PI * g) / groups;
      const j = ((i * 2654435761) >>> 0) / 2 ** 32; // deterministic jitter
      const k = ((i * 40503 + 7) % 1000) / 1000;
      xy[2 * i] = 10 * Math.cos(a) + 1.2 * Math.cos(2 * Math.PI * j) * Math.sqrt(k);
      xy[2 * i + 1] = 10 * Math.sin(a) + 1.2 * Math.sin(2 * Math.PI * j) * Math.sqrt(k);
    }
    const obsm = f.get('obsm') as unknown as { create_dataset(a: object): { create_attribute(k: string, v: string): void } };
    const ds = obsm.create_dataset({ name: 'X_umap', data: xy, shape: [n, 2] });
    ds.create_attribute('encoding-type', 'array');
    ds.create_attribute('encoding-version', '0.2.0');
  } finally {
    f.close();
  }
}
