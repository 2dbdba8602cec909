// `celltypist-wasm compare` with three models: each model's labels per cell equal CellTypist's,
// the agreement matrix is recomputed from CellTypist's own label files, one cross-tab per pair.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { column, readCsv, repoPath, sharedPath } from '../engine/testing/fixtures.ts';

const BIN = repoPath('web/cli/bin.mjs');
const E = 'fixtures/expected/';

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
}

describe('celltypist-wasm compare (N models)', () => {
  it('writes labels per model (+ majority voting), the pairwise agreement and every cross-tab', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ctw-compare-'));
    const models = ['toy_lr', 'toy_sgd', 'toy_lr_fs'];
    const r = cli(['compare', '-i', sharedPath('fixtures/synthetic/query_1k.h5ad'), ...models.flatMap((m) => ['-m', sharedPath(`fixtures/models/${m}.pkl`)]),
      '--majority-voting', '--over-clustering', 'given_clusters', '-o', out, '--variant', 'simd']);
    assert.equal(r.status, 0, r.stderr);
    const labels = readCsv(path.join(out, 'labels.csv'));
    assert.deepEqual(labels.header, models.flatMap((m) => [m, `${m}_majority_voting`]));
    const want = models.map((m) => column(readCsv(sharedPath(`${E}${m}__query_1k/best_match/predicted_labels.csv`)), 'predicted_labels'));
    models.forEach((m, i) => assert.deepEqual(column(labels, m), want[i], m));
    assert.deepEqual(column(labels, 'toy_lr_majority_voting'), column(readCsv(sharedPath(`${E}toy_lr__query_1k/majority_voting_given_minprop0/predicted_labels.csv`)), 'majority_voting'));
    const agreement = readCsv(path.join(out, 'agreement.csv'));
    assert.deepEqual(agreement.header, models);
    models.forEach((_, i) =>
      models.forEach((__, j) => {
        const same = want[i].filter((l, k) => l === want[j][k]).length / want[i].length;
        assert.equal(Number(agreement.rows[i][j]), same);
      }),
    );
    assert.match(r.stderr, /toy_lr vs toy_sgd: same label for [\d,]+ of 1,000 cells \(\d+\.\d%\)/);
    const files = readdirSync(out).filter((f) => f.startsWith('crosstab_')).sort();
    assert.deepEqual(files, ['crosstab_toy_lr__toy_lr_fs.csv', 'crosstab_toy_lr__toy_sgd.csv', 'crosstab_toy_sgd__toy_lr_fs.csv']);
    const ct = readCsv(path.join(out, 'crosstab_toy_lr__toy_sgd.csv'));
    assert.equal(ct.rows.flat().map(Number).reduce((a, b) => a + b, 0), 1000);
    assert.ok(readdirSync(out).includes('agreement_majority_voting.csv'));
  });

  it('with automatic over-clustering, clusters once and votes as a separate run of each model would', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ctw-compare-'));
    const input = sharedPath('fixtures/synthetic/query_1k.h5ad');
    const models = ['toy_lr', 'toy_sgd'];
    const r = cli(['compare', '-i', input, ...models.flatMap((m) => ['-m', sharedPath(`fixtures/models/${m}.pkl`)]), '--majority-voting', '-o', out, '--variant', 'simd']);
    assert.equal(r.status, 0, r.stderr);
    // The over-clustering runs with the first model only.
    assert.equal(r.stderr.match(/automatic over-clustering: [\d,]+ Leiden clusters at resolution 5, reused for the other models/g)?.length, 1, r.stderr);
    const labels = readCsv(path.join(out, 'labels.csv'));
    const { annotate } = await import('../engine/node.ts');
    for (const m of models) {
      const alone = await annotate(input, sharedPath(`fixtures/models/${m}.pkl`), { majority_voting: true, variant: 'simd', return_matrices: false });
      assert.deepEqual(column(labels, `${m}_majority_voting`), alone.majority_voting, m);
    }
  });

  it('takes every input format with the same flags as annotate (.mtx with --gene-file/--cell-file)', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ctw-compare-'));
    const f = (name: string) => sharedPath(`fixtures/formats/${name}`);
    const r = cli(['compare', '-i', f('query_1k_cells_by_genes.mtx'), '--gene-file', f('query_1k_genes.tsv'), '--cell-file', f('query_1k_cells.tsv'),
      '-m', sharedPath('fixtures/models/toy_lr.pkl'), '-m', sharedPath('fixtures/models/toy_sgd.pkl'), '-o', out, '--variant', 'simd', '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const want = readCsv(sharedPath('fixtures/expected/toy_lr__formats/mtx_cells_by_genes/predicted_labels.csv'));
    assert.deepEqual(column(readCsv(path.join(out, 'labels.csv')), 'toy_lr'), column(want, 'predicted_labels'));
  });

  it('refuses a malformed number as annotate does', () => {
    const r = cli(['compare', '-i', sharedPath('fixtures/synthetic/query_1k.h5ad'), '-m', 'a.pkl', '-m', 'b.pkl', '--p-thres', 'half']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--p-thres expects a number, got 'half'/);
  });

  it('-o FILE.csv writes the cross-tab of the first two models, as before', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'ctw-compare-')), 'ct.csv');
    const r = cli(['compare', '-i', sharedPath('fixtures/synthetic/query_1k.h5ad'), '-m', sharedPath('fixtures/models/toy_lr.pkl'), '-m', sharedPath('fixtures/models/toy_sgd.pkl'), '-o', out, '--variant', 'simd', '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const ct = readCsv(out);
    assert.deepEqual(ct.header, ['B cells', 'CD4+ T cells', 'CD8+ T cells', 'Classical monocytes', 'NK cells', 'Platelets']);
    assert.equal(ct.rows.flat().map(Number).reduce((a, b) => a + b, 0), 1000);
  });

  it('needs two models', () => {
    const r = cli(['compare', '-i', sharedPath('fixtures/synthetic/query_1k.h5ad'), '-m', sharedPath('fixtures/models/toy_lr.pkl')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /compare needs --input and at least two --model/);
  });
});
