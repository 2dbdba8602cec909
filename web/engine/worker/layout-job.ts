/**
 * The UMAP layout for files without an embedding, computed in the worker AFTER the results are
 * shown: the over-clustering graph (the file's graph, its X_pca, or the expression pipeline's
 * HVG → PCA → kNN, streamed again from the file) and its 2-D layout. After automatic majority
 * voting the voting run's graph is kept (`KeptLayout`), and the layout is all that is left to do.
 * Cancelled by terminating the worker (the layout is one long wasm call).
 */
import { chooseInput } from '../h5ad/normalization.ts';
import type { MatrixReader } from '../formats/reader.ts';
import { clusterSource, ExpressionClusterer, overCluster } from '../over-cluster.ts';
import { CellTypistError, type ProgressCallback } from '../types.ts';
import type { CoreKeptGraph, CoreModule } from '../wasm/core.ts';
import { forEachHeapChunk, type HeapChunk } from '../wasm/heap-chunks.ts';

export interface LayoutOptions {
  normalize_counts?: boolean;
  seed?: number;
  n_threads?: number;
  chunk_rows?: number;
}

/** Files are cloned into each message: compare what identifies them. */
export function sameFile(a: File, b: File): boolean {
  return a.name === b.name && a.size === b.size && a.lastModified === b.lastModified;
}

/** The majority-voting run's over-clustering graph, kept for the layout that follows it. */
export class KeptLayout {
  constructor(
    readonly file: File,
    readonly graph: CoreKeptGraph,
  ) {}
  sameFile(f: File): boolean {
    return sameFile(f, this.file);
  }
  delete(): void {
    this.graph.delete();
  }
}

/**
 * Gene statistics gathered while predicting (the engine's onChunk), so that the layout of a file
 * without a graph or PCA skips one of its two passes over the matrix.
 */
export class LayoutStats {
  readonly clusterer: ExpressionClusterer;
  constructor(
    core: CoreModule,
    readonly file: File,
    nGenes: number,
  ) {
    this.clusterer = new ExpressionClusterer(core, nGenes);
  }
  sameFile(f: File): boolean {
    return sameFile(f, this.file);
  }
  /** A hook for AnnotateContext.onChunk. */
  add = (c: HeapChunk) => this.clusterer.addStats(c.data, c.indices, c.indptr, c.rows);
}

/** Statistics to gather during prediction, when the layout will need the expression pipeline. */
export function layoutStatsFor(core: CoreModule, reader: MatrixReader, file: File, normalize_counts?: boolean): LayoutStats | undefined {
  if (clusterSource(reader) !== 'expression') return undefined;
  return new LayoutStats(core, file, reader.matrix(chooseInput(reader, { normalize_counts }).source).n_cols);
}

/** Row-major cells × 2 layout of the over-clustering graph; `stats` (consumed) saves the first pass. */
export async function computeLayout(core: CoreModule, reader: MatrixReader, options: LayoutOptions, onProgress?: ProgressCallback, signal?: AbortSignal, stats?: LayoutStats): Promise<Float32Array> {
  const choice = chooseInput(reader, { normalize_counts: options.normalize_counts });
  const source = clusterSource(reader);
  const n = reader.summary.n_obs;
  if (n < 3) throw new CellTypistError('cannot_layout', `a UMAP layout needs at least 3 cells (the file has ${n})`);
  const chunkRows = options.chunk_rows ?? 4096;
  let expression: ExpressionClusterer | undefined = source === 'expression' ? stats?.clusterer : undefined;
  if (stats && !expression) stats.clusterer.delete();
  try {
    if (source === 'expression' && !expression) {
      expression = new ExpressionClusterer(core, reader.matrix(choice.source).n_cols);
      const e = expression;
      await forEachHeapChunk(core, reader, choice.source, { chunk_rows: chunkRows, normalize: choice.normalize, signal, cancelled_message: 'UMAP cancelled' }, (c) => {
        e.addStats(c.data, c.indices, c.indptr, c.rows);
        onProgress?.({ stage: 'umap', fraction: 0.05 * (c.end / n), message: `gene statistics: ${c.end.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} cells` });
      });
    }
    const out = await overCluster(core, reader, source, choice, { seed: options.seed ?? 0, n_threads: options.n_threads ?? 1, layout: true, chunk_rows: chunkRows }, expression, (p) => onProgress?.({ ...p, stage: 'umap' }), signal);
    if (!out.layout) throw new CellTypistError('cannot_layout', 'the UMAP layout could not be computed');
    return out.layout;
  } finally {
    expression?.delete();
  }
}
