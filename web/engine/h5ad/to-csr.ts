/**
 * Rows of a dense or CSC matrix turned into the CSR chunks the engine scores: the nonzeros of a
 * dense block, or the entries of a CSC matrix whose row falls in the range.
 */
import type { H5Paths } from './h5-objects.ts';
import { toFloat32, toInt } from './h5-values.ts';
import type { CsrChunk, MatrixInfo } from './matrix-types.ts';

/** The nonzeros of a row-major dense block of `n` rows × `nCols` as CSR. */
export function denseRowsToCsr(block: Float32Array, n: number, nCols: number): CsrChunk {
  let nnz = 0;
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) nnz++;
  const data = new Float32Array(nnz);
  const indices = new Int32Array(nnz);
  const indptr = new Int32Array(n + 1);
  let k = 0;
  for (let r = 0; r < n; r++) {
    const row = r * nCols;
    for (let c = 0; c < nCols; c++) {
      const v = block[row + c];
      if (v !== 0) {
        data[k] = v;
        indices[k++] = c;
      }
    }
    indptr[r + 1] = k;
  }
  return { n_rows: n, n_cols: nCols, data, indices, indptr };
}

/**
 * CSC → CSR for a row range: streams the column data in blocks (bounded memory) and keeps the
 * entries whose row falls in range. Costs one pass over the nonzeros per chunk, so callers
 * use large chunks for CSC files.
 */
export function cscRowsToCsr(paths: H5Paths, m: MatrixInfo, start: number, end: number): CsrChunk {
  const colptr = toInt(paths.dataset(`${m.path}/indptr`).value);
  const total = Number(colptr[colptr.length - 1]);
  const rowsDs = paths.dataset(`${m.path}/indices`);
  const dataDs = paths.dataset(`${m.path}/data`);
  const n = end - start;
  const counts = new Int32Array(n + 1);
  const keptRows: number[] = [];
  const keptCols: number[] = [];
  const keptVals: number[] = [];
  const BLOCK = 1 << 22;
  let col = 0;
  for (let lo = 0; lo < total; lo += BLOCK) {
    const hi = Math.min(total, lo + BLOCK);
    const rows = toInt(rowsDs.slice([[lo, hi]]));
    let vals: Float32Array | null = null;
    for (let k = lo; k < hi; k++) {
      while (Number(colptr[col + 1]) <= k) col++;
      const r = Number(rows[k - lo]);
      if (r >= start && r < end) {
        vals ??= toFloat32(dataDs.slice([[lo, hi]]));
        keptRows.push(r - start);
        keptCols.push(col);
        keptVals.push(vals[k - lo]);
        counts[r - start + 1]++;
      }
    }
  }
  for (let r = 0; r < n; r++) counts[r + 1] += counts[r];
  const indptr = counts;
  const next = indptr.slice(0, n);
  const data = new Float32Array(keptVals.length);
  const indices = new Int32Array(keptVals.length);
  for (let i = 0; i < keptVals.length; i++) {
    const dst = next[keptRows[i]]++;
    data[dst] = keptVals[i];
    indices[dst] = keptCols[i];
  }
  return { n_rows: n, n_cols: m.n_cols, data, indices, indptr };
}
