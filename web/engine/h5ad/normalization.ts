/**
 * CellTypist's input check (classifier.py): the first 1,000 cells of X must look like
 * log1p(normalized to 10,000): no negative values and max <= 9.22; otherwise CellTypist falls
 * back to raw/X if that passes. A row whose expm1 sum is not 10,000 ± 1 is only a warning.
 * Beyond CellTypist we classify what the data is, to say precisely what to do.
 */
import { CellTypistError } from '../types.ts';
import type { MatrixSource } from './read.ts';
import type { InputFormat, MatrixReader } from '../formats/reader.ts';

export type DataKind = 'log1p_10k' | 'log1p_other_total' | 'raw_counts' | 'scaled' | 'unknown';

export interface MatrixVerdict {
  source: MatrixSource;
  kind: DataKind;
  /** Passes CellTypist's min/max test. */
  usable: boolean;
  min: number;
  max: number;
  /** expm1 row sum of the first cell. */
  first_row_total: number;
  has_nan: boolean;
}

export interface InputChoice {
  source: MatrixSource;
  /** Raw counts to be normalized in-stream (normalize_total 1e4 + log1p) before prediction. */
  normalize: boolean;
  verdict: MatrixVerdict;
  warnings: string[];
}

const CHECK_ROWS = 1000;
const MAX_LOG1P = 9.22;

/** Inspects the first 1,000 cells of X or raw/X. */
export function inspectMatrix(reader: MatrixReader, source: MatrixSource): MatrixVerdict {
  const m = reader.matrix(source);
  // A view is enough (nothing else is read meanwhile): one copy of 1,000 rows less.
  const rows = Math.min(CHECK_ROWS, m.n_rows);
  const chunk = reader.readRowValues ? reader.readRowValues(source, 0, rows) : reader.readRowsView ? reader.readRowsView(source, 0, rows) : reader.readRows(source, 0, rows);
  const data = chunk.data;
  // Math.min/max without branches (3x faster than compares on unordered values); a NaN or an
  // infinity among the values shows in the result, and only then are they skipped value by value.
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    min = Math.min(min, data[i]);
    max = Math.max(max, data[i]);
  }
  let hasNan = false;
  if (data.length > 0 && !(Number.isFinite(min) && Number.isFinite(max))) {
    min = Infinity;
    max = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      // v - v is NaN for NaN and ±Infinity: one test for both.
      if (v - v !== 0) {
        hasNan = true;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  // Stops at the first fraction (log1p data: at once); NaN and infinities do not count.
  let integers = true;
  for (let i = 0; i < data.length && integers; i++) {
    const v = data[i];
    if (v - v === 0 && v !== Math.round(v)) integers = false;
  }
  // Implicit zeros count for min/max (scipy's X.min() includes them).
  if (chunk.data.length < chunk.n_rows * chunk.n_cols) {
    min = Math.min(min, 0);
    max = Math.max(max, 0);
  }
  if (min === Infinity) min = max = 0;
  let total = 0;
  for (let k = chunk.indptr[0]; k < chunk.indptr[1]; k++) total += Math.expm1(chunk.data[k]);
  // Row sums of other rows tell "log1p to another total" apart from mixed data.
  const totals: number[] = [];
  for (let r = 0; r < Math.min(chunk.n_rows, 20); r++) {
    let s = 0;
    for (let k = chunk.indptr[r]; k < chunk.indptr[r + 1]; k++) s += Math.expm1(chunk.data[k]);
    totals.push(s);
  }
  const usable = !hasNan && min >= 0 && max <= MAX_LOG1P;
  let kind: DataKind = 'unknown';
  if (min < 0) kind = 'scaled';
  else if (integers && max > MAX_LOG1P) kind = 'raw_counts';
  else if (integers && max > 0 && max <= MAX_LOG1P && max >= 1 && totals.every((t) => Math.abs(t - 1e4) > 1)) kind = 'raw_counts';
  else if (usable && Math.abs(total - 1e4) <= 1) kind = 'log1p_10k';
  else if (usable && totals.length > 1 && totals.every((t) => Math.abs(t - totals[0]) <= Math.max(1, 1e-3 * totals[0]))) kind = 'log1p_other_total';
  return { source, kind, usable, min, max, first_row_total: total, has_nan: hasNan };
}

function describe(v: MatrixVerdict): string {
  const where = v.source === 'X' ? '.X' : '.raw.X';
  switch (v.kind) {
    case 'raw_counts':
      return `${where} holds raw counts (integers up to ${v.max})`;
    case 'scaled':
      return `${where} holds scaled data (negative values down to ${v.min.toFixed(3)})`;
    default:
      return v.has_nan ? `${where} contains NaN or infinite values` : `${where} has values from ${v.min.toFixed(3)} to ${v.max.toFixed(3)}`;
  }
}

/**
 * CellTypist's handling of count formats (text tables, mtx, and here Cell Ranger's outputs): no
 * log1p check; the counts are always normalized (normalize_total(target_sum=1e4) + log1p) before
 * prediction. The reader's notes (orientation, identifiers, the raw-count warning) are the warnings.
 */
function countsChoice(format: InputFormat): InputChoice {
  return {
    source: 'X',
    normalize: true,
    verdict: { source: 'X', kind: 'raw_counts', usable: false, min: 0, max: 0, first_row_total: 0, has_nan: false },
    warnings: [...format.warnings],
  };
}

/**
 * Chooses the matrix CellTypist would use (X, else raw/X) or throws a CellTypistError that says
 * exactly what is wrong and what to do.
 */
export function chooseInput(reader: MatrixReader, options: { normalize_counts?: boolean } = {}): InputChoice {
  if (reader.format) return countsChoice(reader.format); // count tables: CellTypist always normalizes
  const warnings: string[] = [];
  const x = inspectMatrix(reader, 'X');
  let chosen = x;
  const normalized = (v: MatrixVerdict): InputChoice => ({
    source: v.source,
    normalize: true,
    verdict: v,
    warnings: [
      `${describe(v)}: normalized to 10,000 counts per cell and log1p-transformed on the fly (as scanpy's normalize_total(target_sum=1e4) + log1p), as CellTypist expects.`,
    ],
  });
  // Counts with a usable raw/X: CellTypist's own rule (raw/X) wins; otherwise normalize if asked.
  if (options.normalize_counts && x.kind === 'raw_counts') {
    const raw = reader.summary.raw ? inspectMatrix(reader, 'raw') : null;
    if (!(raw && raw.usable && raw.kind !== 'raw_counts')) return normalized(x);
  }
  if (!x.usable) {
    const raw = reader.summary.raw ? inspectMatrix(reader, 'raw') : null;
    if (raw && raw.usable && !(options.normalize_counts && raw.kind === 'raw_counts')) {
      chosen = raw;
      warnings.push(`${describe(x)}, so raw/X is used, as CellTypist does.`);
    } else {
      const parts = [describe(x)];
      if (raw) parts.push(describe(raw));
      else parts.push('the file has no raw layer');
      if (options.normalize_counts && raw?.kind === 'raw_counts') return normalized(raw);
      const counts = x.kind === 'raw_counts' || raw?.kind === 'raw_counts';
      const advice = counts
        ? 'CellTypist expects log1p-normalized expression (10,000 counts per cell). Normalize first (scanpy: sc.pp.normalize_total(adata, target_sum=1e4); sc.pp.log1p(adata)), or let celltypist-wasm do it: enable "normalize raw counts" (CLI: --normalize).'
        : x.has_nan
          ? 'Remove or replace the NaN/infinite values, then save the file again.'
          : 'CellTypist expects log1p-normalized expression (10,000 counts per cell) in X or raw/X. Store the normalized, unscaled matrix in adata.raw before scaling.';
      throw new CellTypistError(counts ? 'raw_counts' : 'invalid_expression', `Invalid expression matrix: ${parts.join('; ')}. ${advice}`);
    }
  }
  if (Math.abs(chosen.first_row_total - 1e4) > 1) {
    warnings.push(
      `the first cell's expression does not sum to 10,000 after expm1 (it sums to ${Math.round(chosen.first_row_total).toLocaleString('en-US')}): ` +
        'CellTypist expects all genes, log1p-normalized to 10,000 counts per cell; predictions may be less accurate.',
    );
  }
  return { source: chosen.source, normalize: false, verdict: chosen, warnings };
}
