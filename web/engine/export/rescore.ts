/**
 * A ScoreStream that scores the input again, chunk by chunk (the app keeps only compact per-cell
 * outputs, so matrix exports recompute the decision and probability rows as they write them).
 * Same gene matching, conversion and normalization as the run being exported; no voting, no UMAP.
 */
import { annotateReader, type AnnotateContext } from '../annotate.ts';
import type { MatrixReader } from '../formats/reader.ts';
import type { AnnotateOptions } from '../types.ts';
import type { CoreModel } from '../wasm/core.ts';
import type { ScoreStream } from './scores.ts';

export function rescoreStream(reader: MatrixReader, model: CoreModel, options: AnnotateOptions, ctx: AnnotateContext): ScoreStream {
  const scoring: AnnotateOptions = { ...options, majority_voting: false, over_clustering: undefined, compute_umap: false, return_matrices: false, insert_conf_by: undefined };
  return async (onChunk) => {
    await annotateReader(reader, model, scoring, { ...ctx, onProgress: undefined, onScores: onChunk });
  };
}
