/**
 * Automatic over-clustering for majority voting, as CellTypist 1.7.1 `over_cluster` decides it:
 * an existing neighbour graph is clustered directly (Leiden); otherwise neighbours are found on
 * obsm['X_pca'] when present; otherwise the full pipeline runs on the expression matrix
 * (genes in >= 5 cells, seurat highly variable genes or var['highly_variable'], scaling, PCA 50,
 * kNN 10, UMAP connectivities, Leiden). The expression pipeline streams the matrix twice: the
 * first pass rides along with prediction (`ExpressionClusterer.addStats`), the second keeps only
 * the selected genes' nonzeros. The same graph gives the optional 2-D UMAP layout.
 */
import type { InputChoice } from './h5ad/normalization.ts';
import type { MatrixReader } from './formats/reader.ts';
import { CellTypistError, type ProgressCallback } from './types.ts';
import type { CoreClusterOptions, CoreClusterProgress, CoreClusterResult, CoreKeptGraph, CoreModule, CoreOverClusterer } from './wasm/core.ts';
import { HeapBuffer } from './wasm/heap.ts';
import { forEachHeapChunk } from './wasm/heap-chunks.ts';

/** Where the over-clustering starts from. */
export type ClusterSource = 'graph' | 'pca' | 'expression';

export interface OverClusterOutput {
  /** Cluster of each cell, as strings (CellTypist writes categorical strings). */
  clusters: string[];
  n_clusters: number;
  resolution: number;
  source: ClusterSource;
  /** Row-major cells × 2 when a layout was asked for. */
  layout?: Float32Array;
  /** The graph, with keep_graph (the caller deletes it): its layout later, see kept-layout.ts. */
  graph?: CoreKeptGraph;
}

/** CellTypist's order: a graph in obsp first, then obsm X_pca, else the expression matrix. */
export function clusterSource(reader: MatrixReader): ClusterSource {
  if (reader.summary.has_graph) return 'graph';
  if (reader.summary.obsm.some((o) => o.name === 'X_pca' && o.dims >= 2)) return 'pca';
  return 'expression';
}

const STEP_MESSAGES: Record<string, string> = {
  scale: 'scaling the variable genes',
  pca: 'PCA (50 components)',
  neighbors: 'finding 10 nearest neighbours',
  leiden: 'Leiden over-clustering',
  layout: 'UMAP layout',
  done: 'over-clustering done',
};

function stepProgress(onProgress?: ProgressCallback): CoreClusterProgress | undefined {
  if (!onProgress) return undefined;
  return (step, fraction) =>
    onProgress({ stage: step === 'layout' ? 'umap' : 'over_clustering', fraction, message: STEP_MESSAGES[step] ?? step });
}

/** First pass of the expression pipeline, fed with the prediction's chunks (already in the heap). */
export class ExpressionClusterer {
  private readonly impl: CoreOverClusterer;

  constructor(
    private readonly core: CoreModule,
    nGenes: number,
  ) {
    this.impl = new core.OverClusterer(nGenes);
  }

  /** Pointers to a normalized (log1p) CSR chunk in the wasm heap, int32 chunk-relative indptr. */
  addStats(data: number, indices: number, indptr: number, rows: number): void {
    this.impl.add_stats(data, indices, indptr, rows);
  }

  /** Second pass and the clustering itself. */
  async finish(reader: MatrixReader, choice: InputChoice, options: CoreClusterOptions, chunkRows: number, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<CoreClusterResult> {
    const core = this.core;
    const hvg = reader.highlyVariableGenes(choice.source);
    let nGenes: number;
    if (hvg && hvg.length >= 2) {
      this.impl.use_genes(hvg); // CellTypist uses the file's own selection when present
      nGenes = hvg.length;
    } else {
      nGenes = this.impl.select_genes(options);
    }
    if (nGenes < 2) {
      throw new CellTypistError('cannot_over_cluster', 'automatic over-clustering found fewer than 2 genes expressed in at least 5 cells with any variability: give a cluster column instead (CLI: --over-clustering COLUMN)');
    }
    const n = reader.summary.n_obs;
    await forEachHeapChunk(core, reader, choice.source, { chunk_rows: chunkRows, normalize: choice.normalize, signal, cancelled_message: 'annotation cancelled' }, (c) => {
      this.impl.add_rows(c.data, c.indices, c.indptr, c.rows);
      onProgress?.({ stage: 'over_clustering', fraction: 0.05 * (c.end / n), message: `collecting ${nGenes.toLocaleString('en-US')} variable genes: ${c.end.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} cells` });
    });
    return this.impl.run(options, stepProgress(onProgress));
  }

  delete(): void {
    this.impl.delete();
  }
}

/**
 * Runs the over-clustering from the given source. For 'expression', `expression` must have seen
 * every chunk through addStats().
 */
export async function overCluster(
  core: CoreModule,
  reader: MatrixReader,
  source: ClusterSource,
  choice: InputChoice,
  options: CoreClusterOptions & { chunk_rows?: number },
  expression?: ExpressionClusterer,
  onProgress?: ProgressCallback,
  signal?: AbortSignal,
): Promise<OverClusterOutput> {
  const n = reader.summary.n_obs;
  if (n < 3) throw new CellTypistError('cannot_over_cluster', `automatic over-clustering needs at least 3 cells (the file has ${n}): give a cluster column instead`);
  let r: CoreClusterResult;
  const wrap = (e: unknown): never => {
    if (e instanceof CellTypistError) throw e;
    throw new CellTypistError('cannot_over_cluster', `automatic over-clustering failed: ${(e as Error).message}. Give a cluster column instead (CLI: --over-clustering COLUMN)`);
  };
  if (source === 'graph') {
    onProgress?.({ stage: 'over_clustering', fraction: 0, message: "using the file's neighbour graph" });
    const g = reader.readGraph()!;
    const bufs = [new HeapBuffer(core, 'i32'), new HeapBuffer(core, 'i32'), new HeapBuffer(core, 'f64'), new HeapBuffer(core, 'f32')];
    try {
      const pPtr = bufs[0].ensure(g.indptr.length);
      const pIdx = bufs[1].ensure(g.indices.length);
      const pW = bufs[2].ensure(g.weights.length);
      let pInit = 0;
      const pca = (options.layout || options.keep_graph) && reader.summary.obsm.some((o) => o.name === 'X_pca' && o.dims >= 2) ? reader.readObsm('X_pca') : null;
      if (pca) {
        pInit = bufs[3].ensure(n * 2);
        const init = bufs[3].view(n * 2) as Float32Array;
        for (let i = 0; i < n; i++) {
          init[2 * i] = pca.data[i * pca.dims];
          init[2 * i + 1] = pca.data[i * pca.dims + 1];
        }
      }
      (bufs[0].view(g.indptr.length) as Int32Array).set(g.indptr);
      (bufs[1].view(g.indices.length) as Int32Array).set(g.indices);
      (bufs[2].view(g.weights.length) as Float64Array).set(g.weights);
      r = core.cluster_graph(n, pPtr, pIdx, pW, pInit, options, stepProgress(onProgress));
    } catch (e) {
      r = wrap(e);
    } finally {
      for (const b of bufs) b.free();
    }
  } else if (source === 'pca') {
    onProgress?.({ stage: 'over_clustering', fraction: 0, message: "using the file's PCA (obsm X_pca)" });
    const pca = reader.readObsm('X_pca');
    const buf = new HeapBuffer(core, 'f32');
    try {
      r = core.cluster_points(buf.write(pca.data), n, pca.dims, options, stepProgress(onProgress));
    } catch (e) {
      r = wrap(e);
    } finally {
      buf.free();
    }
  } else {
    if (!expression) throw new Error('overCluster: the expression pipeline needs the first-pass statistics');
    try {
      r = await expression.finish(reader, choice, options, options.chunk_rows ?? 4096, onProgress, signal);
    } catch (e) {
      r = wrap(e);
    }
  }
  const clusters = Array.from(r.clusters, (c) => String(c));
  return { clusters, n_clusters: r.n_clusters, resolution: r.resolution, source, layout: r.layout, graph: r.graph };
}
