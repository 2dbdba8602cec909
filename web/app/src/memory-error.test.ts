import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainError, isMemoryError } from './memory-error.ts';

describe('memory-error', () => {
  it('recognizes the ways browsers and wasm refuse memory and says what to do', () => {
    for (const m of ['std::bad_alloc', 'Array buffer allocation failed', 'RangeError: Out of memory', 'Cannot enlarge memory arrays to size 4294967296 bytes', 'Aborted(OOM)', 'WebAssembly.Memory(): could not allocate memory']) {
      assert.ok(isMemoryError(m), m);
      assert.match(explainError(m, 'annotating 1,000,000 cells'), /^The browser refused more memory while annotating 1,000,000 cells\. Nothing was lost.*Close other tabs.*npx celltypist-wasm annotate -i FILE\.h5ad/);
    }
  });
  it('passes other errors through unchanged', () => {
    assert.equal(explainError("only 12 of the model's 765 genes are found", 'x'), "only 12 of the model's 765 genes are found");
    assert.equal(isMemoryError('annotation cancelled'), false);
  });
});
