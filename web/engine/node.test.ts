// node.ts: which WebAssembly build annotate() uses when none is asked for, and the threaded path
// of larger inputs (workers started while the model and the input load).
import assert from 'node:assert/strict';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { annotate, chooseVariant, SMALL_INPUT_BYTES } from './node.ts';
import { sharedPath } from './testing/fixtures.ts';
import { writeTestH5ad } from './testing/write-h5ad.ts';
import { loadCore } from './wasm/load.ts';
import { loadModel } from './annotate.ts';

const QUERY = sharedPath('fixtures/synthetic/query_1k.h5ad');
const MODEL = sharedPath('fixtures/models/toy_lr.pkl');

/** A sparse file of `bytes` bytes (no disk used): only its size matters here. */
function fileOfSize(bytes: number): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ct-size-')), 'big.h5ad');
  const fd = openSync(file, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return file;
}

describe('build choice', () => {
  it('small inputs run on the SIMD build, larger ones on the threaded one', () => {
    assert.equal(chooseVariant(QUERY, {}), 'simd');
    assert.equal(chooseVariant(fileOfSize(SMALL_INPUT_BYTES), {}), 'simd');
    assert.equal(chooseVariant(fileOfSize(SMALL_INPUT_BYTES + 1), {}), 'auto');
  });

  it('an asked build or thread count wins; folders and missing files keep auto', () => {
    assert.equal(chooseVariant(QUERY, { variant: 'simd-threads' }), 'simd-threads');
    assert.equal(chooseVariant(QUERY, { variant: 'auto', n_threads: 2 }), 'auto');
    assert.equal(chooseVariant(path.dirname(QUERY), {}), 'auto');
    assert.equal(chooseVariant('/no/such/file.h5ad', {}), 'auto');
  });

  it('annotate() of the 1k fixture uses the SIMD build, with the labels of the threaded one', async () => {
    const small = await annotate(QUERY, MODEL);
    assert.equal(small.stats.engine_variant, 'simd');
    const threaded = await annotate(QUERY, MODEL, { n_threads: 2 });
    assert.equal(threaded.stats.engine_variant, 'simd-threads');
    assert.deepEqual(small.predicted_labels, threaded.predicted_labels);
    assert.deepEqual(small.decision_matrix, threaded.decision_matrix);
  });
});

/** An .h5ad over 32 MB (the size from which the threaded build starts its workers while the model and the input load): log1p-like values on the model's genes and others. */
async function bigQuery(): Promise<string> {
  const { core } = await loadCore({ variant: 'simd' });
  const m = loadModel(core, readFileSync(MODEL));
  const genes = [...m.features(), ...Array.from({ length: 500 }, (_, i) => `OTHER${i}`)];
  m.delete();
  const rows = 9000;
  const perRow = 480;
  const data = new Float32Array(rows * perRow);
  const indices = new Int32Array(rows * perRow);
  const indptr = Array.from({ length: rows + 1 }, (_, r) => r * perRow);
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let r = 0; r < rows; r++) {
    const start = Math.floor(rand() * (genes.length - perRow));
    for (let k = 0; k < perRow; k++) {
      indices[r * perRow + k] = start + k;
      data[r * perRow + k] = Math.log1p(1 + Math.floor(rand() * 40));
    }
  }
  return writeTestH5ad('big.h5ad', { data, indices, indptr, n_cols: genes.length }, Array.from({ length: rows }, (_, i) => `cell${i}`), genes);
}

describe('threaded build, .h5ad over 32 MB (workers started while the model and the input load)', async () => {
  const big = await bigQuery();

  it("gives the SIMD build's results, on two workers", async () => {
    const threaded = await annotate(big, MODEL, { n_threads: 2, return_matrices: true });
    const simd = await annotate(big, MODEL, { variant: 'simd', return_matrices: true });
    assert.equal(threaded.stats.engine_variant, 'simd-threads');
    assert.deepEqual(threaded.predicted_labels, simd.predicted_labels);
    assert.deepEqual(threaded.decision_matrix, simd.decision_matrix);
    // The workers started early are the ones the scoring uses: two, not more.
    const { core } = await loadCore({ variant: 'simd-threads' });
    const pool = (core as unknown as { PThread: { unusedWorkers: unknown[]; runningWorkers: unknown[] } }).PThread;
    assert.equal(pool.unusedWorkers.length + pool.runningWorkers.length, 2);
  });

  it('a bad model is reported before a bad input, a bad input with a good model as such', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ct-order-'));
    const badModel = path.join(dir, 'bad.pkl');
    writeFileSync(badModel, 'not a pickle');
    const badInput = fileOfSize(40e6); // zeros: not an HDF5 file
    await assert.rejects(annotate(big, badModel, { n_threads: 2 }), { code: 'bad_model' });
    await assert.rejects(annotate(badInput, badModel, { n_threads: 2 }), { code: 'bad_model' });
    await assert.rejects(annotate(badInput, MODEL, { n_threads: 2 }), (e: Error & { code?: string }) => e.code !== 'bad_model' && /h5ad|HDF5/i.test(e.message));
  });
});
