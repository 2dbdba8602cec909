// Both wasm builds (SIMD on 1 thread, SIMD + threads on 2) must give the same automatic
// over-clustering and UMAP layout, bit for bit: the core's parallel steps (PCA's fixed row chunks,
// NN-descent's ordered proposals, the layout's blocks) do not depend on the thread count.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { annotate } from './node.ts';
import { sharedPath } from './testing/fixtures.ts';
import { ensurePthreadWorkers, loadCore } from './wasm/load.ts';
import { HeapBuffer } from './wasm/heap.ts';
import { seededRandom } from '../../scripts/seeded-random.ts';

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


describe('NN-descent and layout across wasm builds', () => {
  it('gives identical clusters and layout on 10,500 points (above the exact-search limit)', async () => {
    // 10,500 cells x 12 dims around 15 centres (seeded): kNN by NN-descent (8,192 cells and
    // more), the layout with umap's 200 epochs, blocks over both threads in the threaded build.
    const n = 10500;
    const dims = 12;
    const rand = seededRandom(3);
    const centres = Array.from({ length: 15 * dims }, () => 6 * (rand() - 0.5));
    const pcs = new Float32Array(n * dims);
    for (let i = 0; i < n; i++) for (let d = 0; d < dims; d++) pcs[i * dims + d] = centres[(i % 15) * dims + d] + rand() - 0.5;
    const run = async (variant: 'simd' | 'simd-threads') => {
      const { core } = await loadCore({ variant });
      if (variant === 'simd-threads') await ensurePthreadWorkers(core, 1);
      const buf = new HeapBuffer(core, 'f32');
      try {
        return core.cluster_points(buf.write(pcs), n, dims, { layout: true, n_threads: variant === 'simd' ? 1 : 2, seed: 4 }, () => {});
      } finally {
        buf.free();
      }
    };
    const a = await run('simd');
    const b = await run('simd-threads');
    assert.deepEqual(Array.from(b.clusters), Array.from(a.clusters));
    assert.deepEqual(Array.from(b.layout!), Array.from(a.layout!));
    assert.ok(a.n_clusters >= 15);
    // Clusters do not mix centres (NN-descent found real neighbours): majority centre share.
    const counts = new Map<number, Map<number, number>>();
    for (let i = 0; i < n; i++) {
      const m = counts.get(a.clusters[i]) ?? new Map<number, number>();
      m.set(i % 15, (m.get(i % 15) ?? 0) + 1);
      counts.set(a.clusters[i], m);
    }
    let pure = 0;
    for (const m of counts.values()) pure += Math.max(...m.values());
    assert.ok(pure / n > 0.95, `cluster purity ${pure / n}`);
  });
});
