/** The expression matrix as the readers describe it and hand it out: its layout, and rows as CSR. */

/** A chunk of rows as CSR; `indptr` is relative to the chunk (indptr[0] = 0). */
export interface CsrChunk {
  n_rows: number;
  n_cols: number;
  data: Float32Array;
  indices: Int32Array;
  indptr: Int32Array;
}

export type MatrixSource = 'X' | 'raw';

export interface MatrixInfo {
  path: string;
  encoding: 'csr' | 'csc' | 'dense';
  n_rows: number;
  n_cols: number;
  dtype: string;
}
