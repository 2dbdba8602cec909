/**
 * Typed view of the Embind module built from wasm/bindings/ (one *_bindings.cpp per area). The
 * engine only talks to the core through this interface.
 */

import type { ModelInfo } from '../types.ts';

/** A loaded model (free with `.delete()`). */
export interface CoreModel {
  labels(): string[];
  features(): string[];
  n_features(): number;
  estimator(): 'LogisticRegression' | 'SGDClassifier';
  description(): ModelInfo['description'];
  top_markers(cellType: string, topN: number, onlyPositive: boolean): string[];
  /** CellTypist's Model.convert() by a two-column gene map (CSV bytes in the heap); the new model is the caller's to delete. */
  convert(mapPtr: number, size: number, uniqueOnly: boolean): { model: CoreModel; convert_from: number; n_features_before: number };
  coef(): Float64Array;
  intercept(): Float64Array;
  scaler_mean(): Float64Array;
  scaler_var(): Float64Array;
  scaler_scale(): Float64Array;
  n_samples_seen(): number;
  with_mean(): boolean;
  coef_rows(): number;
  /** The model restricted to some cell types (≥ 3); the caller deletes it. */
  subset(keep: string[]): CoreModel;
  delete(): void;
}

/** Options of celltypist.train (defaults: CellTypist's). */
export interface CoreTrainOptions {
  with_mean?: boolean;
  C?: number;
  max_iter?: number;
  use_sgd?: boolean;
  alpha?: number;
  mini_batch?: boolean;
  batch_number?: number;
  batch_size?: number;
  epochs?: number;
  balance_cell_type?: boolean;
  feature_selection?: boolean;
  top_genes?: number;
  seed?: number;
  n_threads?: number;
  date?: string;
  details?: string;
  url?: string;
  source?: string;
  version?: string;
}

/** Collects a reference's rows, then trains (free with `.delete()`). */
export interface CoreTrainer {
  add_rows(data: number, indices: number, indptr: number, nRows: number): void;
  train(genes: string[], labels: string[], options: CoreTrainOptions, progress?: (step: string) => void): {
    model: CoreModel;
    n_features: number;
    converged: boolean;
    iterations: number;
  };
  delete(): void;
}

/** A model matched to the query's genes (free with `.delete()`). */
/**
 * A chunk's whole work in the core (NaN/Inf check, normalization when asked, scores, the matrix
 * tables' CSV rows): heap pointers, any output may be 0.
 */
export type ChunkCall = (
  data: number,
  indices: number,
  indptr: number,
  nRows: number,
  normalize: boolean,
  decision: number,
  probability: number,
  ids: number,
  idOffsets: number,
  decisionCsv: number,
  probabilityCsv: number,
  nThreads: number,
) => void;

export interface CorePredictor {
  n_labels(): number;
  n_features_used(): number;
  /** Pointers into the wasm heap; decision/probability may be 0 (not wanted). */
  score(data: number, indices: number, indptr: number, nRows: number, decision: number, probability: number, nThreads: number): void;
  /**
   * Starts the core's whole work on one chunk (NaN/Inf check, normalization when asked, scores,
   * the matrix tables' CSV rows), in the background in the threaded build. Heap pointers; any
   * output may be 0. The buffers stay untouched until finish_chunk() returns.
   */
  start_chunk: ChunkCall;
  /** start_chunk's work done at once on the calling thread (+ nThreads - 1 helpers); finish_chunk() reports. */
  run_chunk: ChunkCall;
  /** Whether the chunk started last has finished (poll it rather than block in finish_chunk). */
  chunk_done(): boolean;
  /** Heap address of an int32 that changes, with a wake-up (Atomics.waitAsync), as the chunk's blocks finish. */
  chunk_progress_address(): number;
  /** Waits for the chunk started last. */
  finish_chunk(): ChunkStatus;
  delete(): void;
}

/** How a chunk went: `error` is '' on success; `row` is the chunk row of a NaN/Inf. */
export interface ChunkStatus {
  error: '' | 'non_finite' | 'bad_counts' | 'failed';
  row: number;
  message: string;
  decision_bytes: number;
  probability_bytes: number;
}

/** "Why this label": a model matched to the query's genes (free with `.delete()`). */
export interface CoreExplainer {
  /** One cell's sparse row (heap pointers; indices into the query genes): top genes for `label`, best first. */
  top(data: number, indices: number, nnz: number, label: number, topN: number, positiveFirst: boolean): {
    feature: number;
    value: number;
    scaled: number;
    coef: number;
    contribution: number;
  }[];
  /** The cell's decision score for `label` (intercept + all contributions). */
  decision(data: number, indices: number, nnz: number, label: number): number;
  delete(): void;
}

/** Options of the over-clustering (defaults: CellTypist's). */
export interface CoreClusterOptions {
  seed?: number;
  n_threads?: number;
  /** Also compute a 2-D UMAP layout. */
  layout?: boolean;
  /** Leiden resolution; absent = CellTypist's rule by number of cells. */
  resolution?: number;
  /** Keep the graph (result.graph) so that its layout can be computed later without recomputing it. */
  keep_graph?: boolean;
}

/** An over-clustering's kept graph (keep_graph); the caller deletes it. */
export interface CoreKeptGraph {
  n_cells(): number;
  /** Row-major cells × 2: the layout the over-clustering computes with `layout: true`. */
  layout(n_threads: number): Float32Array;
  delete(): void;
}

export interface CoreClusterResult {
  clusters: Int32Array;
  n_clusters: number;
  resolution: number;
  layout?: Float32Array;
  /** With keep_graph. */
  graph?: CoreKeptGraph;
}

/** Step callback of the over-clustering: step name and overall fraction. */
export type CoreClusterProgress = (step: string, fraction: number) => void;

/** Two streamed passes: add_stats for every chunk, select_genes, add_rows for every chunk, run. */
export interface CoreOverClusterer {
  add_stats(data: number, indices: number, indptr: number, nRows: number): void;
  select_genes(options: CoreClusterOptions): number;
  use_genes(genes: number[]): void;
  add_rows(data: number, indices: number, indptr: number, nRows: number): void;
  run(options: CoreClusterOptions, progress?: CoreClusterProgress): CoreClusterResult;
  delete(): void;
}

export interface CoreModule {
  HEAPU8: Uint8Array;
  HEAP32: Int32Array;
  HEAPF32: Float32Array;
  HEAPF64: Float64Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  Model: new (bytesPtr: number, size: number) => CoreModel;
  Predictor: new (model: CoreModel, genes: string[]) => CorePredictor;
  Explainer: new (model: CoreModel, genes: string[]) => CoreExplainer;
  best_match(decision: number, nRows: number, nLabels: number): Int32Array;
  prob_match(probability: number, nRows: number, labels: string[], pThres: number): string[];
  make_unique(names: string[]): string[];
  /** Probability of each cell's label when it is a model label, else the row max. */
  conf_score_of(probability: number, nRows: number, labels: string[], cellLabels: string[]): Float64Array;
  majority_vote(predicted: string[], clusters: string[], minProp: number): {
    majority_voting: string[];
    clusters: string[];
    winner: string[];
  };
  /** In place: normalize each CSR row to 10,000 and log1p (scanpy normalize_total + log1p). */
  normalize_log1p(data: number, indptr: number, nRows: number): void;
  hardware_threads(): number;
  /** Index of the first NaN/Inf among `n` float32 values at `data`, or n. */
  first_non_finite(data: number, n: number): number;
  /** Python's repr(x) (shortest round-trip digits), as pandas writes floats. */
  py_float(x: number): string;
  /** Bytes write_csv_rows may need for rows × cols numbers and idBytes of row ids. */
  csv_rows_capacity(rows: number, cols: number, idBytes: number): number;
  /**
   * Writes "<id>,<v1>,...\n" per row at `out` (heap pointers: row-major f64 values, id bytes,
   * rows + 1 uint32 id offsets) and returns the number of bytes written.
   */
  write_csv_rows(values: number, rows: number, cols: number, ids: number, idOffsets: number, out: number): number;
  OverClusterer: new (nGenes: number) => CoreOverClusterer;
  Trainer: new (nGenes: number) => CoreTrainer;
  /** Over-clustering on given principal components (row-major n × dims float32 in the heap). */
  cluster_points(pcs: number, n: number, dims: number, options: CoreClusterOptions, progress?: CoreClusterProgress): CoreClusterResult;
  /** Over-clustering on a neighbour graph (CSR in the heap); init = n × 2 float32 or 0. */
  cluster_graph(n: number, indptr: number, indices: number, weights: number, init: number, options: CoreClusterOptions, progress?: CoreClusterProgress): CoreClusterResult;
}

/** Which build is running. */
export type Variant = 'simd-threads' | 'simd';
