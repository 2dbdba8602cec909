/**
 * Per-cell score matrices delivered chunk by chunk, so exports (the annotated .h5ad's
 * obsm['probability_matrix'], the matrix CSVs) never need a whole cells × types matrix: from a
 * result that kept its matrices (CLI, engine API), or by scoring the input again (the app keeps
 * only compact per-cell outputs; see rescore.ts).
 */
import type { AnnotationResult } from '../types.ts';

/** Rows [start, start + rows) of the decision and probability matrices, row-major (rows × labels). */
export interface ScoreChunk {
  start: number;
  rows: number;
  decision: Float64Array;
  probability: Float64Array;
}

/** Calls `onChunk` for consecutive row chunks covering all cells, in order; resolves when done. */
export type ScoreStream = (onChunk: (c: ScoreChunk) => void | Promise<void>) => Promise<void>;

/** A ScoreStream over the matrices of a result (views, no copies). */
export function scoresFromResult(r: AnnotationResult, chunkRows = 4096): ScoreStream {
  const L = r.labels.length;
  const n = r.cell_ids.length;
  const dec = r.decision_matrix;
  const prob = r.probability_matrix;
  if (!dec || !prob) throw new Error('the result has no score matrices (annotate with return_matrices: true)');
  return async (onChunk) => {
    for (let start = 0; start < n; start += chunkRows) {
      const rows = Math.min(chunkRows, n - start);
      await onChunk({ start, rows, decision: dec.subarray(start * L, (start + rows) * L), probability: prob.subarray(start * L, (start + rows) * L) });
    }
  };
}
