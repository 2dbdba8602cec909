// Automatic over-clustering through the public Node API, judged like one more random seed of
// CellTypist on the fixtures with CellTypist's automatic-voting references (seed_variation.json).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { annotate, openH5adPath } from './node.ts';
import { clusterSource } from './over-cluster.ts';
import { accuracy, column, readCsv, sharedPath } from './testing/fixtures.ts';

function agreement(a: string[], b: string[]): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}


/** Adjusted Rand index of two clusterings. */
function ari(a: string[], b: string[]): number {
  const pairs = (x: number) => (x * (x - 1)) / 2;
  const joint = new Map<string, number>();
  const ca = new Map<string, number>();
  const cb = new Map<string, number>();
  a.forEach((x, i) => {
    joint.set(`${x}\u0000${b[i]}`, (joint.get(`${x}\u0000${b[i]}`) ?? 0) + 1);
    ca.set(x, (ca.get(x) ?? 0) + 1);
    cb.set(b[i], (cb.get(b[i]) ?? 0) + 1);
  });
  let index = 0;
  let sa = 0;
  let sb = 0;
  for (const v of joint.values()) index += pairs(v);
  for (const v of ca.values()) sa += pairs(v);
  for (const v of cb.values()) sb += pairs(v);
  const expected = (sa * sb) / pairs(a.length);
  return (index - expected) / ((sa + sb) / 2 - expected);
}

const cases = [
  {
    name: 'synthetic query_1k (expression pipeline)',
    input: 'fixtures/synthetic/query_1k.h5ad',
    model: 'fixtures/models/toy_lr.pkl',
    expected: 'fixtures/expected/toy_lr__query_1k/majority_voting_auto',
    truth: 'cell_type',
    source: 'expression',
    minAgreement: 0.86, // CellTypist's own worst seed
  },
  {
    name: "pbmc68k_reduced (the file's neighbour graph)",
    input: 'fixtures/real/pbmc68k_reduced.h5ad',
    model: 'fixtures/models/pbmc68k_bulk.pkl',
    expected: 'fixtures/real/expected/pbmc68k_bulk__pbmc68k_reduced/majority_voting_auto',
    truth: 'bulk_labels',
    source: 'graph',
    minAgreement: 0.93,
  },
] as const;

for (const variant of ['simd', 'simd-threads'] as const) {
  describe(`automatic over-clustering (wasm ${variant})`, () => {
    for (const c of cases) {
      it(`${c.name}: agrees with CellTypist like another seed`, async () => {
        const reader = await openH5adPath(sharedPath(c.input));
        assert.equal(clusterSource(reader), c.source);
        const truth = reader.readObsColumn(c.truth) as string[];
        const steps: string[] = [];
        const r = await annotate(
          sharedPath(c.input),
          sharedPath(c.model),
          { variant, n_threads: 2, majority_voting: true, compute_umap: true, chunk_rows: 300 },
          (p) => p.message && steps.push(`${p.stage}: ${p.message}`),
        );
        const ref = readCsv(`${sharedPath(c.expected)}/predicted_labels.csv`);
        assert.deepEqual(r.predicted_labels, column(ref, 'predicted_labels'));
        const known = new Set(r.labels);
        const agree = agreement(r.majority_voting!, column(ref, 'majority_voting'));
        const acc = accuracy(r.majority_voting!, truth, known);
        const refAcc = accuracy(column(ref, 'majority_voting'), truth, known);
        const rand = ari(r.over_clustering!, column(ref, 'over_clustering'));
        console.log(
          `  [calibration ${variant}] ${c.name}: ${r.stats.over_clustering!.n_clusters} clusters (resolution ${r.stats.over_clustering!.resolution}), agreement ${agree.toFixed(4)}, accuracy ${acc.toFixed(4)} (CellTypist ${refAcc.toFixed(4)}), ARI ${rand.toFixed(4)}, ${r.stats.timings.over_clustering.toFixed(2)} s`,
        );
        assert.equal(r.stats.over_clustering!.source, c.source);
        assert.ok(agree >= c.minAgreement, `agreement ${agree}`);
        assert.ok(acc >= refAcc - 0.01, `accuracy ${acc} vs ${refAcc}`);
        assert.equal(r.umap!.length, r.cell_ids.length * 2);
        assert.ok(r.umap!.every(Number.isFinite));
        assert.ok(steps.some((s) => s.startsWith('over_clustering: Leiden')), steps.join('\n'));
        assert.ok(steps.some((s) => s.startsWith('umap:')));
      });
    }
  });
}

describe('automatic over-clustering options', () => {
  it('is reproducible for a seed and changes with it', async () => {
    const run = (seed: number) =>
      annotate(sharedPath('fixtures/synthetic/query_1k.h5ad'), sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd', majority_voting: true, seed, return_matrices: false });
    const a = await run(3);
    const b = await run(3);
    const c = await run(4);
    assert.deepEqual(a.over_clustering, b.over_clustering);
    assert.notDeepEqual(a.over_clustering, c.over_clustering);
  });
  it('gives a layout without majority voting', async () => {
    const r = await annotate(sharedPath('fixtures/synthetic/query_1k.h5ad'), sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd', compute_umap: true, return_matrices: false });
    assert.equal(r.majority_voting, undefined);
    assert.equal(r.umap!.length, 2000);
  });
});
