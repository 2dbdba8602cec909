// Streaming a few genes' columns gives the same dotplot from CSR, CSC and dense X (each read
// its own way), equal to a direct computation; categorical groups keep the file's category
// order (an unused category dropped, a missing value in no group).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openH5adPath } from '../h5ad/open-node.ts';
import type { WGroup } from '../h5ad/write.ts';
import { writeLayoutH5ad } from '../testing/write-h5ad.ts';
import { dotplotReader } from './dotplot-reader.ts';

const N = 257;
const G = 40;
/** Deterministic sparse-ish values, some negative (scaled data), ~30% nonzero. */
const value = (i: number, j: number) => (((i * 7919 + j * 104729) % 97) < 29 ? ((((i + 3) * (j + 5)) % 13) - 3) / 2.5 : 0);
const genes = Array.from({ length: G }, (_, j) => `G${j}`);
const cells = Array.from({ length: N }, (_, i) => `c${i}`);
// Codes into ['zeta', 'unused', 'alpha', 'mid']; -1 = missing.
const CATS = ['zeta', 'unused', 'alpha', 'mid'];
const code = (i: number) => (i % 11 === 0 ? -1 : [0, 2, 3][i % 3]);

/** The fixture: X in `layout`, obs with a categorical 'group' (codes into CATS). */
function write(layout: 'csr' | 'csc' | 'dense'): Promise<string> {
  return writeLayoutH5ad(layout, {
    n: N,
    g: G,
    value,
    obsNames: cells,
    varNames: genes,
    extend: (root) => {
      const obs = root.get('obs') as WGroup;
      const cg = obs.create_group('group');
      cg.create_attribute('encoding-type', 'categorical');
      cg.create_attribute('encoding-version', '0.2.0');
      cg.create_attribute('ordered', new Uint8Array([0]));
      const cats = cg.create_dataset({ name: 'categories', data: CATS });
      cats.create_attribute('encoding-type', 'string-array');
      cats.create_attribute('encoding-version', '0.2.0');
      cg.create_dataset({ name: 'codes', data: Int8Array.from(cells, (_, i) => code(i)) });
    },
  });
}

describe('streamed gene columns (CSR, CSC, dense)', () => {
  const wanted = ['G3', 'G0', 'G39', 'G17'];

  it('give the same dotplot, equal to a direct computation, groups in category order', async () => {
    // Direct: groups zeta, alpha, mid ('unused' dropped, missing excluded).
    const names = ['zeta', 'alpha', 'mid'];
    const sums = names.map(() => wanted.map(() => 0));
    const pos = names.map(() => wanted.map(() => 0));
    const size = names.map(() => 0);
    for (let i = 0; i < N; i++) {
      const c = code(i);
      if (c < 0) continue;
      const g = names.indexOf(CATS[c]);
      size[g]++;
      wanted.forEach((w, k) => {
        const v = value(i, Number(w.slice(1)));
        sums[g][k] += Math.fround(v);
        if (v > 0) pos[g][k]++;
      });
    }
    for (const layout of ['csr', 'csc', 'dense'] as const) {
      const reader = await openH5adPath(await write(layout));
      try {
        assert.equal(reader.summary.x.encoding, layout);
        const d = dotplotReader(reader, { groupby: 'group', genes: wanted, standard_scale: 'none', chunk_rows: 50 });
        assert.deepEqual(d.groups, names, layout);
        assert.deepEqual(d.group_sizes, size, layout);
        names.forEach((_, g) =>
          wanted.forEach((__, k) => {
            assert.ok(Math.abs(d.mean[g * 4 + k] - sums[g][k] / size[g]) < 1e-12, `${layout} mean ${g},${k}`);
            assert.equal(d.fraction[g * 4 + k], pos[g][k] / size[g], `${layout} fraction ${g},${k}`);
          }),
        );
      } finally {
        reader.close();
      }
    }
  });
});
