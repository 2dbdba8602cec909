// node.ts: which WebAssembly build annotate() uses when none is asked for.
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { annotate, chooseVariant, SMALL_INPUT_BYTES } from './node.ts';
import { sharedPath } from './testing/fixtures.ts';

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

