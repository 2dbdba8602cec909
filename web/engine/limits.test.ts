import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkModelSize, MAX_MODEL_BYTES, memoryError } from './limits.ts';
import { CellTypistError } from './types.ts';

describe('limits', () => {
  it('refuses models over the limit with the size and what to do', () => {
    assert.doesNotThrow(() => checkModelSize(MAX_MODEL_BYTES, "'m.pkl'"));
    assert.throws(
      () => checkModelSize(3.2e9, "'m.pkl'"),
      (e: unknown) => e instanceof CellTypistError && e.code === 'model_too_large' && /the model 'm\.pkl' is 3\.2 GB: models up to 1\.5 GB fit/.test(e.message),
    );
  });
  it("turns the core's and V8's out-of-memory errors into one actionable message", () => {
    for (const m of ['std::bad_alloc', 'out of WebAssembly memory', 'Cannot enlarge memory arrays', 'Array buffer allocation failed', 'Invalid typed array length: 9999999999']) {
      const e = memoryError(new Error(m));
      assert.ok(e, m);
      assert.equal(e.code, 'out_of_memory');
      assert.match(e.message, /more memory than WebAssembly can address \(4 GB\): annotate with --no-matrices/);
    }
    // A system limit (ulimit -v, a container) refusing the wasm memory, as Node and Chromium word it.
    for (const m of ['Aborted(RangeError: WebAssembly.instantiate(): Out of memory: Cannot allocate Wasm memory for new instance)', 'WebAssembly.Memory(): could not allocate memory']) {
      assert.match(memoryError(new Error(m))!.message, /the system refused the memory this run needs .*ulimit -v.*--no-matrices/, m);
    }
    assert.equal(memoryError(new Error('cannot read the model file')), null);
    assert.equal(memoryError(undefined), null);
  });
});
