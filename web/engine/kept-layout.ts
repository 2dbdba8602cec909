/**
 * Automatic majority voting that keeps its over-clustering graph, and the UMAP layout of that
 * graph later. For callers that show results first and plot afterwards (the app): the voting
 * run builds the graph anyway (second file pass, PCA, kNN, Leiden), so the plot that follows
 * costs only the layout, and it is exactly the layout `compute_umap` gives.
 *
 * Use: annotateReader without majority voting, its chunks feeding an ExpressionClusterer
 * (`onChunk`) when the file has no graph or PCA; then `voteKeepingGraph`; then, when the plot is
 * wanted, `layoutKeptGraph` (and delete the graph). The voting itself is CellTypist's, as in
 * annotateReader (same over-clustering options and vote).
 */
import { chooseInput } from './h5ad/normalization.ts';
import type { MatrixReader } from './formats/reader.ts';
import { clusterSource, type ExpressionClusterer, overCluster } from './over-cluster.ts';
import { type AnnotateOptions, type AnnotationResult, CellTypistError, type ProgressCallback } from './types.ts';
import type { CoreKeptGraph, CoreModule } from './wasm/core.ts';

export interface KeptVotingContext {
  n_threads?: number;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** First-pass statistics of the prediction's chunks; required when the file has no graph or PCA. */
  expression?: ExpressionClusterer;
}

/** True when `options` ask for the automatic over-clustering this module does. */
export function votesAutomatically(options: AnnotateOptions): boolean {
  return !!options.majority_voting && !options.over_clustering && options.insert_conf_by !== 'majority_voting';
}

/**
 * Adds automatic majority voting to a result annotated without it (fields, stats and timings as
 * annotateReader sets them) and returns the over-clustering's graph; the caller deletes it.
 */
export async function voteKeepingGraph(core: CoreModule, reader: MatrixReader, result: AnnotationResult, options: AnnotateOptions, ctx: KeptVotingContext = {}): Promise<CoreKeptGraph | undefined> {
  if (!votesAutomatically(options)) throw new Error('voteKeepingGraph: only for automatic over-clustering (no over_clustering column, no insert_conf_by majority_voting)');
  const { onProgress, signal } = ctx;
  const timings = result.stats.timings;
  if (signal?.aborted) throw new CellTypistError('cancelled', 'annotation cancelled');
  const tCluster = performance.now();
  const choice = chooseInput(reader, { normalize_counts: options.normalize_counts });
  const source = clusterSource(reader);
  const auto = await overCluster(
    core,
    reader,
    source,
    choice,
    { seed: options.seed ?? 0, n_threads: ctx.n_threads ?? 1, layout: false, keep_graph: true, chunk_rows: Math.max(1, options.chunk_rows ?? 4096) },
    ctx.expression,
    onProgress,
    signal,
  );
  timings.over_clustering = (performance.now() - tCluster) / 1000;
  try {
    if (signal?.aborted) throw new CellTypistError('cancelled', 'annotation cancelled');
    const tVote = performance.now();
    onProgress?.({ stage: 'voting', fraction: 0, message: 'majority voting' });
    const vote = core.majority_vote(result.predicted_labels, auto.clusters, options.min_prop ?? 0);
    result.stats.over_clustering = { source: auto.source, n_clusters: auto.n_clusters, resolution: auto.resolution };
    result.over_clustering = auto.clusters;
    result.majority_voting = vote.majority_voting;
    timings.voting = (performance.now() - tVote) / 1000;
    onProgress?.({ stage: 'voting', fraction: 1 });
    timings.total = (timings.total ?? 0) + (performance.now() - tCluster) / 1000;
  } catch (e) {
    auto.graph?.delete();
    throw e;
  }
  return auto.graph;
}

/** Row-major cells × 2 UMAP layout of a kept graph (one wasm call: cancel by ending the worker). */
export function layoutKeptGraph(graph: CoreKeptGraph, n_threads = 1, onProgress?: ProgressCallback): Float32Array {
  onProgress?.({ stage: 'umap', fraction: 0.75, message: 'UMAP layout (of the majority-voting graph)' });
  try {
    return graph.layout(n_threads);
  } catch (e) {
    throw new CellTypistError('cannot_layout', `the UMAP layout could not be computed: ${(e as Error).message}`);
  }
}
