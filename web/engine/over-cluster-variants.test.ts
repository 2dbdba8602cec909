// Both wasm builds (SIMD on 1 thread, SIMD + threads on 2) must give the same automatic
// over-clustering and UMAP layout, bit for bit: the core's parallel steps (PCA's fixed row chunks,
// NN-descent's ordered proposals, the layout's blocks) do not depend on the thread count.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { annotate } from './node.ts';
import { sharedPath } from './testing/fixtures.ts';

describe('automatic over-clustering across wasm builds', () => {
  it('gives identical clusters and layout with the SIMD and the threaded build', async () => {
    const run = (variant: 'simd' | 'simd-threads') =>
      annotate(sharedPath('fixtures/synthetic/query_1k.h5ad'), sharedPath('fixtures/models/toy_lr.pkl'), {
        variant,
        n_threads: 2,
        majority_voting: true,
        compute_umap: true,
        return_matrices: false,
      });
    const a = await run('simd');
    const b = await run('simd-threads');
    assert.deepEqual(b.over_clustering, a.over_clustering);
    assert.deepEqual(Array.from(b.umap!), Array.from(a.umap!));
    assert.ok(a.stats.over_clustering!.n_clusters > 30);
  });
});
