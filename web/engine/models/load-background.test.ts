// Model bytes parsed on a pthread (threaded build) or at once (SIMD build): the same model as
// loadModel, the same one clear error for bytes that are not a model, and no pthread kept.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadModel } from '../annotate.ts';
import { sharedPath } from '../testing/fixtures.ts';
import { CellTypistError } from '../types.ts';
import { loadCore } from '../wasm/load.ts';
import { loadModelInBackground } from './load-background.ts';

const BYTES = readFileSync(sharedPath('fixtures/models/toy_lr.pkl'));

for (const variant of ['simd', 'simd-threads'] as const) {
  describe(`loadModelInBackground (${variant})`, async () => {
    const { core } = await loadCore({ variant });

    it('gives the model loadModel gives', async () => {
      const a = loadModel(core, BYTES);
      const b = await loadModelInBackground(core, BYTES);
      try {
        assert.deepEqual(b.labels(), a.labels());
        assert.deepEqual(b.features(), a.features());
        assert.deepEqual(b.coef(), a.coef());
        assert.deepEqual(b.intercept(), a.intercept());
        assert.deepEqual(b.scaler_scale(), a.scaler_scale());
      } finally {
        a.delete();
        b.delete();
      }
    });

    it("bytes that are not a model fail as loadModel's do (bad_model, the reader's message)", async () => {
      const bad = new TextEncoder().encode('not a pickle at all');
      let expected = '';
      try {
        loadModel(core, bad);
      } catch (e) {
        expected = (e as Error).message;
      }
      assert.match(expected, /pickle/);
      await assert.rejects(loadModelInBackground(core, bad), (e: unknown) => e instanceof CellTypistError && e.code === 'bad_model' && e.message === expected);
      // A truncated model: the parse fails on the pthread, the error reaches the caller.
      await assert.rejects(loadModelInBackground(core, BYTES.subarray(0, BYTES.length >> 1)), { code: 'bad_model' });
    });

    it('leaves no thread behind: its pthread worker goes back to the pool', async () => {
      const pool = (core as unknown as { PThread?: { unusedWorkers: unknown[]; runningWorkers: unknown[] } }).PThread;
      const before = pool ? pool.unusedWorkers.length + pool.runningWorkers.length : 0;
      for (let i = 0; i < 3; i++) (await loadModelInBackground(core, BYTES)).delete();
      if (pool) {
        assert.equal(pool.runningWorkers.length, 0);
        assert.ok(pool.unusedWorkers.length + pool.runningWorkers.length <= Math.max(before, 1), 'one worker at most, reused');
      }
    });
  });
}
