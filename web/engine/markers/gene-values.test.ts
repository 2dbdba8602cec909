// One gene's values for colouring the embedding: found by name or symbol, read from CSR (chunked
// scan, duplicates summed), CSC and dense X, equal to the column read independently; its colour
// scale (zeros apart, clip at p99), colours and drawing order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { geneDrawOrder, geneRgba, geneScale, scaleTicks, ZERO_COLOR } from '../figure/gene-scale.ts';
import { viridis } from '../figure/colormap.ts';
import { rgb } from '../figure/scene.ts';
import { openH5adPath } from '../h5ad/open-node.ts';
import { sharedPath } from '../testing/fixtures.ts';
import { writeLayoutH5ad } from '../testing/write-h5ad.ts';
import { findGene, geneNamesOf, readGeneShare, readGeneValues } from './gene-values.ts';

const N = 301;
const G = 12;
const value = (i: number, j: number) => (((i * 31 + j * 17) % 7) < 2 ? ((i + j) % 9) / 2 + 0.5 : 0);
const ids = Array.from({ length: G }, (_, j) => `ENSG${String(j).padStart(11, '0')}`);
const symbols = ids.map((_, j) => `SYM${j}`);

/** The fixture: X in `layout` (each nonzero split in two entries when `duplicate`), var with symbols. */
function write(layout: 'csr' | 'csc' | 'dense', duplicate = false): Promise<string> {
  return writeLayoutH5ad(layout, {
    n: N,
    g: G,
    value,
    obsNames: Array.from({ length: N }, (_, i) => `c${i}`),
    varNames: ids,
    varColumns: { feature_name: symbols },
    split: duplicate,
  });
}

/** Column `name` of the fixture's X, densified straight from its CSR arrays (h5wasm, no engine reader). */
async function fixtureColumn(file: string, name: string): Promise<Float32Array> {
  const h5 = (await import('h5wasm/node')).default;
  await h5.ready;
  const f = new h5.File(file, 'r');
  try {
    const get = (p: string) => (f.get(p) as unknown as { value: ArrayLike<number> | string[] }).value;
    const varNames = get('var/_index') as string[];
    const col = varNames.indexOf(name);
    const indptr = get('X/indptr') as ArrayLike<number>;
    const indices = get('X/indices') as ArrayLike<number>;
    const data = get('X/data') as ArrayLike<number>;
    const out = new Float32Array(indptr.length - 1);
    for (let r = 0; r < out.length; r++) for (let k = Number(indptr[r]); k < Number(indptr[r + 1]); k++) if (Number(indices[k]) === col) out[r] += data[k];
    return out;
  } finally {
    f.close();
  }
}

describe('gene values', () => {
  it('equal the fixture column read independently, in small chunks', async () => {
    const file = sharedPath('fixtures/synthetic/query_1k.h5ad');
    const reader = await openH5adPath(file);
    try {
      for (const gene of ['CD3D', 'MS4A1', 'LYZ', 'XGENE0007']) {
        const want = await fixtureColumn(file, gene);
        const got = readGeneValues(reader, gene, { chunk_rows: 97 });
        assert.deepEqual(got.values, want, gene);
        assert.equal(got.n_nonzero, want.filter((v) => v !== 0).length);
        assert.ok(got.n_nonzero > 0, `${gene} is expressed somewhere`);
        // Read in parts (as workers share a gene), the same cells; chunk ends fall mid-part.
        const cuts = [0, 1, 333, 334, 700, want.length];
        const parts = cuts.slice(1).map((end, i) => readGeneValues(reader, gene, { chunk_rows: 97, rows: [cuts[i], end] }));
        assert.deepEqual(parts.map((p) => p.first), cuts.slice(0, -1));
        const joined = new Float32Array(want.length);
        for (const p of parts) joined.set(p.values, p.first);
        assert.deepEqual(joined, want, `${gene} in parts`);
        assert.equal(parts.reduce((a, p) => a + p.n_nonzero, 0), got.n_nonzero);
      }
    } finally {
      reader.close();
    }
  });

  it('read the same from CSR (also with duplicate entries), CSC and dense X, by id or symbol', async () => {
    for (const [layout, dup] of [['csr', false], ['csr', true], ['csc', false], ['dense', false]] as const) {
      const reader = await openH5adPath(await write(layout, dup));
      try {
        for (const j of [0, 5, 11]) {
          const want = Float32Array.from({ length: N }, (_, i) => value(i, j));
          const byId = readGeneValues(reader, ids[j], { chunk_rows: 40 });
          assert.deepEqual(byId.values, want, `${layout}${dup ? ' dup' : ''} ${ids[j]}`);
          assert.equal(byId.gene, symbols[j]);
          assert.deepEqual(readGeneValues(reader, `sym${j}`).values, want, 'a symbol, ignoring case');
          // Shared by 3 workers: CSR in ranges of cells, other encodings whole in share 0.
          const parts = [0, 1, 2].map((i) => readGeneShare(reader, ids[j], [i, 3], { chunk_rows: 40 }));
          const joined = new Float32Array(N);
          for (const p of parts) joined.set(p.values, p.first);
          assert.deepEqual(joined, want, `${layout} ${ids[j]} in shares`);
          assert.equal(parts.reduce((a, p) => a + p.n_nonzero, 0), byId.n_nonzero);
          assert.ok(parts.every((p) => p.gene === symbols[j]));
          if (layout !== 'csr') assert.deepEqual(parts.map((p) => p.values.length), [N, 0, 0]);
        }
        assert.throws(() => readGeneShare(reader, 'NOTAGENE', [2, 3]), { code: 'no_gene' });
      } finally {
        reader.close();
      }
    }
  });

  it('find genes by name or symbol, and say what is near when not found', async () => {
    const reader = await openH5adPath(await write('csr'));
    try {
      const g = geneNamesOf(reader);
      assert.equal(g.symbol_column, 'feature_name');
      assert.deepEqual(findGene(g, ' SYM3 '), { column: 3, name: 'SYM3' });
      assert.deepEqual(findGene(g, ids[4]), { column: 4, name: 'SYM4' });
      assert.throws(() => findGene(g, 'SYM'), /'SYM' is not a gene of this file \(did you mean SYM0, SYM1/);
      assert.throws(() => findGene(g, 'CD3E'), /not a gene of this file; var names and var\['feature_name'\] are searched/);
      assert.throws(() => findGene(g, ''), /type a gene/);
    } finally {
      reader.close();
    }
  });

  it('colour zeros apart, clip at the 99th percentile of expressing cells, draw the highest last', () => {
    const values = new Float32Array(1000);
    for (let i = 0; i < 200; i++) values[i * 5] = 1 + i / 100; // 1.00 .. 2.99
    values[999] = 50; // an outlier
    const s = geneScale(values);
    assert.equal(s.n_nonzero, 201);
    assert.equal(s.lo, 1);
    assert.ok(Math.abs(s.hi - 2.98) < 1e-6, `clip ${s.hi}`); // numpy.percentile: index 0.99 * 200
    assert.equal(s.max, 50);
    const rgba = geneRgba(values, s);
    assert.deepEqual([...rgba.subarray(4, 7)], rgb(ZERO_COLOR), 'a zero is grey');
    assert.deepEqual([...rgba.subarray(0, 3)], rgb(viridis(0)), 'the lowest value is the bottom colour');
    assert.deepEqual([...rgba.subarray(999 * 4, 999 * 4 + 3)], rgb(viridis(1)), 'above the clip: the top colour');
    const order = geneDrawOrder(values, s);
    assert.equal(order.length, 1000);
    assert.equal(order[0], 1, 'zeros first');
    assert.equal(order[998], 995);
    assert.equal(order[999], 999, 'the outlier on top');
    assert.deepEqual([...new Set(order)].length, 1000);
    assert.match(scaleTicks(s)[2].text, /^2.98 \(p99; max 50.0\)$/);
    assert.equal(scaleTicks(geneScale(new Float32Array(5))).length, 0);
  });
});
