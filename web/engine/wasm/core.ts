/**
 * Typed view of the Embind module built from wasm/bindings/bindings.cpp. The engine only
 * talks to the core through this interface.
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
  delete(): void;
}

/** A model matched to the query's genes (free with `.delete()`). */
export interface CorePredictor {
  n_labels(): number;
  n_features_used(): number;
  /** Pointers into the wasm heap; decision/probability may be 0 (not wanted). */
  score(data: number, indices: number, indptr: number, nRows: number, decision: number, probability: number, nThreads: number): void;
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
}

/** Which build is running. */
export type Variant = 'simd-threads' | 'simd';
