/**
 * Compact per-cell outputs for the page: label codes into a category list and the confidence
 * (float64, exactly the run's: the labels and .h5ad exports write it as is, with no second
 * scoring pass), instead of one JS string per cell and float64 matrices. At 1M cells this is
 * ~10 MB (codes + confidence) where the engine's strings and 98-column matrices would take
 * gigabytes. Built in the worker; decoded on demand in the page.
 */
import type { AnnotationResult } from '../types.ts';

/** A categorical column: `codes[i]` indexes `categories`. */
export interface Categorical {
  categories: string[];
  codes: Uint16Array | Uint32Array;
}

export interface CompactResult {
  cell_ids: string[];
  /** Model labels (matrix columns), model order. */
  labels: string[];
  predicted: Categorical;
  conf_score: Float64Array;
  over_clustering?: Categorical;
  majority_voting?: Categorical;
  stats: AnnotationResult['stats'];
}

/** Encodes strings as codes into their distinct values, in first-seen order. */
export function encode(values: ArrayLike<string>): Categorical {
  const index = new Map<string, number>();
  const categories: string[] = [];
  const n = values.length;
  // Codes fit 16 bits unless there are more than 65,535 categories (e.g. cluster ids at 1M cells).
  let codes: Uint16Array | Uint32Array = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let c = index.get(v);
    if (c === undefined) {
      c = categories.length;
      categories.push(v);
      index.set(v, c);
      if (c === 0x10000) codes = Uint32Array.from(codes);
    }
    codes[i] = c;
  }
  return { categories, codes };
}

/** The value of cell `i`. */
export const valueAt = (c: Categorical, i: number): string => c.categories[c.codes[i]];

/** Number of cells per category (indexed like `categories`). */
export function countCodes(c: Categorical): Uint32Array {
  const out = new Uint32Array(c.categories.length);
  for (let i = 0; i < c.codes.length; i++) out[c.codes[i]]++;
  return out;
}

/** The engine's result in compact form; drops the decision/probability matrices. */
export function compactResult(r: AnnotationResult): CompactResult {
  return {
    cell_ids: r.cell_ids,
    labels: r.labels,
    predicted: encode(r.predicted_labels),
    conf_score: Float64Array.from(r.conf_score),
    over_clustering: r.over_clustering ? encode(r.over_clustering) : undefined,
    majority_voting: r.majority_voting ? encode(r.majority_voting) : undefined,
    stats: r.stats,
  };
}

/** Buffers to transfer (not copy) when posting a compact result. */
export function transferables(c: CompactResult): Transferable[] {
  const out: Transferable[] = [c.predicted.codes.buffer, c.conf_score.buffer];
  if (c.over_clustering) out.push(c.over_clustering.codes.buffer);
  if (c.majority_voting) out.push(c.majority_voting.codes.buffer);
  return out;
}

/** Back to CellTypist's per-cell strings (for code that needs an AnnotationResult, e.g. exports). */
export function expand(c: CompactResult): AnnotationResult {
  const strings = (k: Categorical) => Array.from(k.codes, (code) => k.categories[code]);
  return {
    cell_ids: c.cell_ids,
    labels: c.labels,
    predicted_labels: strings(c.predicted),
    conf_score: c.conf_score,
    over_clustering: c.over_clustering ? strings(c.over_clustering) : undefined,
    majority_voting: c.majority_voting ? strings(c.majority_voting) : undefined,
    stats: c.stats,
  };
}
