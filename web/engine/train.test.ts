// Training through the public Node API (both wasm builds): a model trained on the fixtures'
// training data predicts the held-out query like CellTypist's own model.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { annotate, openH5adPath, train } from './node.ts';
import { accuracy, column, readCsv, sharedPath } from './testing/fixtures.ts';

const QUERY = 'fixtures/synthetic/query_1k.h5ad';


for (const variant of ['simd', 'simd-threads'] as const) {
  describe(`train (wasm ${variant})`, () => {
    it('logistic regression: same held-out accuracy and labels as CellTypist', async () => {
      const steps: string[] = [];
      const r = await train(sharedPath('fixtures/synthetic/train_2k.h5ad'), { labels: 'cell_type', variant, n_threads: 2, date: '2024-01-01 00:00:00.000000', details: 'test' }, (p) => {
        if (p.message) steps.push(p.message);
      });
      assert.equal(r.info.n_features, 1495);
      assert.deepEqual(r.info.labels, ['B cells', 'CD4+ T cells', 'CD8+ T cells', 'Classical monocytes', 'NK cells', 'Platelets']);
      assert.equal(r.info.description.details, 'test');
      assert.ok(r.converged);
      assert.ok(steps.includes('fitting one-vs-rest logistic regression'));
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'ctw-train-')), 'model.pkl');
      writeFileSync(file, r.bytes);
      const ours = await annotate(sharedPath(QUERY), file, { variant });
      const theirs = column(readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/best_match/predicted_labels.csv')), 'predicted_labels');
      const same = ours.predicted_labels.filter((l, i) => l === theirs[i]).length / theirs.length;
      const reader = await openH5adPath(sharedPath(QUERY));
      const truth = reader.readObsColumn('cell_type') as string[];
      reader.close();
      const known = new Set(r.info.labels);
      const a = accuracy(ours.predicted_labels, truth, known);
      const b = accuracy(theirs, truth, known);
      console.log(`  [train ${variant}] ${r.seconds.toFixed(2)} s (CellTypist 0.77 s), ${r.iterations} iterations, held-out accuracy ${a.toFixed(4)} (CellTypist ${b.toFixed(4)}), identical labels ${same.toFixed(4)}`);
      assert.ok(Math.abs(a - b) <= 0.01);
      assert.ok(same >= 0.99);
    });
  });
}

describe('train: options and errors', () => {
  it('feature selection and SGD', async () => {
    const fs = await train(sharedPath('fixtures/synthetic/train_2k.h5ad'), { labels: 'cell_type', variant: 'simd', feature_selection: true, top_genes: 100 });
    assert.ok(fs.info.n_features > 100 && fs.info.n_features < 600, String(fs.info.n_features));
    const sgd = await train(sharedPath('fixtures/synthetic/train_2k.h5ad'), { labels: 'cell_type', variant: 'simd', use_sgd: true });
    assert.equal(sgd.info.estimator, 'SGDClassifier');
  });
  it('says what is wrong with the label column', async () => {
    await assert.rejects(train(sharedPath('fixtures/synthetic/train_2k.h5ad'), { labels: 'nope', variant: 'simd' }), /no obs column 'nope' with cell-type labels \(columns: /);
    await assert.rejects(train(sharedPath(QUERY), { labels: 'sample', variant: 'simd', feature_selection: true, top_genes: 5000 }), /not more than top_genes/);
  });
  it('trains on the real data raw layer (scaled X: raw/X is used, as CellTypist)', async () => {
    const r = await train(sharedPath('fixtures/real/pbmc68k_reduced.h5ad'), { labels: 'bulk_labels', variant: 'simd' });
    assert.equal(r.info.n_features, 765);
    assert.equal(r.info.labels.length, 10);
  });
});
