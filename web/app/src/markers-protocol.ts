/** Messages between the Markers panel and its worker (markers-worker.ts). */
import type { DotplotResult } from '../../engine/markers/dotplot-reader.ts';
import type { StandardScale } from '../../engine/markers/dotplot.ts';
import type { CellExplanation } from '../../engine/markers/explain.ts';

export type MarkersRequest =
  /** The data's gene names (for the gene search). */
  | { type: 'genes'; id: number; file: File }
  /** Each cell type's top markers (CellTypist's extract_top_markers) from the model bytes. */
  | { type: 'markers'; id: number; model: Uint8Array; top: number }
  /** Dotplot of `genes` with cells grouped by `codes` (indexes into `names`; -1 = no group). */
  | { type: 'dotplot'; id: number; file: File; names: string[]; codes: Int32Array; genes: string[]; standard_scale: StandardScale }
  /** Names and symbols of the data's genes, once each (the #colour-gene completion). */
  | { type: 'gene-names'; id: number; file: File }
  /** One gene's value in every cell (its column only, read in chunks), to colour the plot by. */
  | { type: 'gene-values'; id: number; file: File; gene: string }
  /** "Why this label": the top contributing genes of one cell's best-scoring label. */
  | { type: 'explain'; id: number; file: File; model: Uint8Array; cell: number; normalize_counts: boolean };

export type MarkersResponse =
  | { type: 'genes'; id: number; genes: string[] }
  | { type: 'markers'; id: number; labels: string[]; markers: Record<string, string[]> }
  | { type: 'dotplot'; id: number; dotplot: DotplotResult }
  | { type: 'explain'; id: number; explanation: CellExplanation }
  | { type: 'gene-names'; id: number; names: string[] }
  | { type: 'gene-values'; id: number; gene: string; values: Float32Array; n_nonzero: number; seconds: number }
  | { type: 'error'; id: number; message: string };
