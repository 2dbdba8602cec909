// The app's UMAP job, run under Node with the wasm core: the gene statistics gathered during
// prediction (engine onChunk) give the same layout as the job's own first pass, and the layout
// equals the engine's compute_umap.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { annotateReader, loadModel } from '../annotate.ts';
import { openH5adPath } from '../h5ad/open-node.ts';
import { sharedPath } from '../testing/fixtures.ts';
import { loadCore } from '../wasm/load.ts';
import { computeLayout, layoutStatsFor } from './layout-job.ts';

describe('UMAP layout job', () => {
  it('stats gathered while predicting give the layout of a separate pass, equal to the engine’s', async () => {
    const { core, variant } = await loadCore({ variant: 'simd' });
    const file = sharedPath('fixtures/synthetic/query_1k.h5ad');
    const fake = new File([], 'query_1k.h5ad', { lastModified: 1 });
    const reader = await openH5adPath(file);
    const model = loadModel(core, readFileSync(sharedPath('fixtures/models/toy_lr.pkl')));
    try {
      const stats = layoutStatsFor(core, reader, fake);
      assert.ok(stats, 'query_1k has no graph or PCA: the expression pipeline needs stats');
      assert.equal(stats.sameFile(new File([], 'query_1k.h5ad', { lastModified: 1 })), true);
      assert.equal(stats.sameFile(new File([], 'other.h5ad', { lastModified: 1 })), false);
      const withUmap = await annotateReader(reader, model, { compute_umap: true, return_matrices: false }, { core, variant, onChunk: stats.add });
      const steps: string[] = [];
      const fused = await computeLayout(core, reader, {}, (p) => steps.push(p.message ?? ''), undefined, stats);
      const separate = await computeLayout(core, reader, {});
      assert.equal(fused.length, 2000);
      assert.ok(!steps.some((s) => s.startsWith('gene statistics')), 'the fused run skips the statistics pass');
      assert.deepEqual(Array.from(fused), Array.from(separate));
      assert.deepEqual(Array.from(fused), Array.from(withUmap.umap!));
    } finally {
      model.delete();
      reader.close();
    }
  });
});
