// The threaded core starts no pthread workers when it loads in Node; a run starts the ones it
// uses and later runs reuse them. A single chunk is scored without any (a worker costs more to
// start than the chunk to score); several chunks on n_threads workers in the background.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { annotate } from '../node.ts';
import { sharedPath } from '../testing/fixtures.ts';
import { ensurePthreadWorkers, loadCore } from './load.ts';

const pool = (core: unknown) => (core as { PThread: { unusedWorkers: unknown[]; runningWorkers: unknown[] } }).PThread;

describe('lazy pthread pool', () => {
  it('no worker at load, n on demand, reused', async () => {
    const { core } = await loadCore({ variant: 'simd-threads' });
    assert.equal(pool(core).unusedWorkers.length + pool(core).runningWorkers.length, 0);
    const one = await annotate(sharedPath('fixtures/synthetic/query_1k.h5ad'), sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd-threads', n_threads: 3 });
    assert.equal(one.stats.engine_variant, 'simd-threads');
    assert.equal(pool(core).unusedWorkers.length + pool(core).runningWorkers.length, 0);
    const r = await annotate(sharedPath('fixtures/synthetic/query_1k.h5ad'), sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd-threads', n_threads: 3, chunk_rows: 300 });
    assert.deepEqual(r.predicted_labels, one.predicted_labels);
    assert.equal(pool(core).unusedWorkers.length, 3);
    await ensurePthreadWorkers(core, 2);
    assert.equal(pool(core).unusedWorkers.length, 3);
    const simd = await annotate(sharedPath('fixtures/synthetic/query_1k.h5ad'), sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd' });
    assert.deepEqual(simd.predicted_labels, r.predicted_labels);
  });
});
