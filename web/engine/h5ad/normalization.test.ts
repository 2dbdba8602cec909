// CellTypist's input check on the first 1,000 cells: min, max, NaN/Inf and "integers" equal a
// plain value-by-value reading for every kind of data (the check takes a faster path).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MatrixReader } from '../formats/reader.ts';
import { inspectMatrix } from './normalization.ts';

/** A reader of one CSR chunk (n rows × 50 genes). */
function readerOf(rows: number[][]): MatrixReader {
  const data: number[] = [];
  const indices: number[] = [];
  const indptr = [0];
  for (const row of rows) {
    row.forEach((v, c) => {
      data.push(v);
      indices.push(c);
    });
    indptr.push(data.length);
  }
  const chunk = { n_rows: rows.length, n_cols: 50, data: Float32Array.from(data), indices: Int32Array.from(indices), indptr: Int32Array.from(indptr) };
  return {
    matrix: () => ({ path: 'X', encoding: 'csr', n_rows: rows.length, n_cols: 50, dtype: '<f' }),
    readRows: () => chunk,
  } as unknown as MatrixReader;
}

/** The definition: non-finite values skipped for min/max, flagged as has_nan. */
function plain(rows: number[][]) {
  let min = Infinity;
  let max = -Infinity;
  let integers = true;
  let hasNan = false;
  for (const v of rows.flat().map((x) => Math.fround(x))) {
    if (!Number.isFinite(v)) {
      hasNan = true;
      continue;
    }
    min = Math.min(min, v);
    max = Math.max(max, v);
    if (v !== Math.round(v)) integers = false;
  }
  // Implicit zeros of the 50-gene rows count for min/max.
  min = Math.min(min, 0);
  max = Math.max(max, 0);
  return { min, max, integers, hasNan };
}

describe('input check (inspectMatrix)', () => {
  const cases: Record<string, number[][]> = {
    'log1p-normalized': [[0.5, 1.25, 3.75], [2.5, 0.125]],
    'raw counts': [[1, 4, 17], [2, 250]],
    'scaled (negative values)': [[-1.5, 0.5], [2.25, -0.25]],
    'a NaN among the values': [[0.5, NaN, 2.5], [1.5]],
    'infinities among the values': [[Infinity, 1.5], [-Infinity, 0.75]],
    'only non-finite values': [[NaN, Infinity]],
    'no stored values': [[], []],
  };
  for (const [name, rows] of Object.entries(cases)) {
    it(name, () => {
      const v = inspectMatrix(readerOf(rows), 'X');
      const want = plain(rows);
      assert.equal(v.has_nan, want.hasNan);
      assert.equal(v.min, want.min);
      assert.equal(v.max, want.max);
      if (name === 'raw counts') assert.equal(v.kind, 'raw_counts');
      if (name.startsWith('scaled')) assert.equal(v.kind, 'scaled');
      if (name === 'log1p-normalized' || name.includes('NaN')) assert.notEqual(v.kind, 'raw_counts');
      assert.equal(v.usable, !want.hasNan && want.min >= 0 && want.max <= 9.22);
    });
  }
});
