// Majority voting that keeps its graph gives exactly annotateReader's voting, and the kept graph's
// layout is exactly compute_umap's, on the expression pipeline (fixture query without graph/PCA)
// and on a file's own neighbour graph; cancelling and misuse say so.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { annotateReader, loadModel } from './annotate.ts';
import { openH5adPath } from './h5ad/open-node.ts';
import { chooseInput } from './h5ad/normalization.ts';
import { layoutKeptGraph, voteKeepingGraph, votesAutomatically } from './kept-layout.ts';
import { clusterSource, ExpressionClusterer } from './over-cluster.ts';
import { sharedPath } from './testing/fixtures.ts';
import { ensurePthreadWorkers, loadCore, unrefPthreadWorkers } from './wasm/load.ts';

const MODEL = sharedPath('fixtures/models/toy_lr.pkl');

async function compare(file: string, variant: 'simd' | 'simd-threads', n_threads: number, modelPath = MODEL, source = 'expression') {
  const { core } = await loadCore({ variant });
  if (variant === 'simd-threads') await ensurePthreadWorkers(core, n_threads - 1); // Node starts them on demand
  const reader = await openH5adPath(file);
  const model = loadModel(core, readFileSync(modelPath));
  assert.equal(clusterSource(reader), source);
  try {
    const options = { majority_voting: true, return_matrices: false, seed: 0 };
    const reference = await annotateReader(reader, model, { ...options, compute_umap: true }, { core, variant, n_threads });
    const expression = clusterSource(reader) === 'expression' ? new ExpressionClusterer(core, reader.matrix(chooseInput(reader).source).n_cols) : undefined;
    let graph;
    try {
      const r = await annotateReader(reader, model, { ...options, majority_voting: false }, { core, variant, n_threads, onChunk: expression && ((c) => expression.addStats(c.data, c.indices, c.indptr, c.rows)) });
      assert.equal(r.majority_voting, undefined);
      const steps: string[] = [];
      graph = await voteKeepingGraph(core, reader, r, options, { n_threads, expression, onProgress: (p) => steps.push(p.stage) });
      assert.ok(graph, 'the graph is kept');
      assert.deepEqual(r.over_clustering, reference.over_clustering);
      assert.deepEqual(r.majority_voting, reference.majority_voting);
      assert.deepEqual(r.stats.over_clustering, reference.stats.over_clustering);
      assert.ok(r.stats.timings.over_clustering! > 0 && r.stats.timings.voting! >= 0);
      assert.ok(steps.includes('voting') && !steps.includes('umap'), 'voting computes no layout');
      assert.equal(graph.n_cells(), reader.summary.n_obs);
      const layout = layoutKeptGraph(graph, n_threads);
      assert.deepEqual(Array.from(layout), Array.from(reference.umap!));
    } finally {
      expression?.delete();
      graph?.delete();
    }
  } finally {
    model.delete();
    reader.close();
    unrefPthreadWorkers(core);
  }
}

describe('majority voting that keeps its graph, layout later', () => {
  it('expression pipeline: same voting, layout equal to compute_umap (simd, 1 thread)', () => compare(sharedPath('fixtures/synthetic/query_1k.h5ad'), 'simd', 1));
  it('expression pipeline: same with the threaded build on 2 threads', () => compare(sharedPath('fixtures/synthetic/query_1k.h5ad'), 'simd-threads', 2));

  it("a file's own neighbour graph (layout started from its X_pca)", () =>
    compare(sharedPath('fixtures/real/pbmc68k_reduced.h5ad'), 'simd-threads', 2, sharedPath('fixtures/models/pbmc68k_bulk.pkl'), 'graph'));

  it('only for automatic over-clustering; a cancelled run says so', async () => {
    assert.equal(votesAutomatically({ majority_voting: true }), true);
    assert.equal(votesAutomatically({ majority_voting: true, over_clustering: 'leiden' }), false);
    assert.equal(votesAutomatically({ majority_voting: true, insert_conf_by: 'majority_voting' }), false);
    assert.equal(votesAutomatically({}), false);
    const { core } = await loadCore({ variant: 'simd' });
    const reader = await openH5adPath(sharedPath('fixtures/synthetic/query_1k.h5ad'));
    const model = loadModel(core, readFileSync(MODEL));
    try {
      const r = await annotateReader(reader, model, { return_matrices: false }, { core, variant: 'simd' });
      await assert.rejects(voteKeepingGraph(core, reader, r, { majority_voting: true, over_clustering: 'x' }), /only for automatic over-clustering/);
      const ac = new AbortController();
      ac.abort();
      await assert.rejects(voteKeepingGraph(core, reader, r, { majority_voting: true }, { signal: ac.signal }), /cancelled/);
    } finally {
      model.delete();
      reader.close();
    }
  });
});
