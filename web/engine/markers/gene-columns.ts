/**
 * Streams the values of a few genes (columns of X or raw/X) for every cell, in bounded memory:
 * CSR files are read in row chunks and only the wanted columns' entries are kept; CSC files
 * read exactly the wanted columns; dense files read column slices in row blocks. Each call of
 * `visit` gets (cell, slot, value) for nonzero values only, where slot indexes `columns`.
 */
import type { H5adReader, MatrixSource } from '../h5ad/read.ts';
import { CellTypistError } from '../types.ts';

export interface StreamOptions {
  source?: MatrixSource;
  /** Rows per CSR/dense chunk (default 8192, also bounded to 4M nonzeros). */
  chunk_rows?: number;
  signal?: AbortSignal;
  /** Called with the fraction of cells done. */
  onProgress?: (fraction: number) => void;
}

/** What a visitor gets: the cell index, the slot of the gene in `columns`, its nonzero value. */
export type Visit = (cell: number, slot: number, value: number) => void;

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CellTypistError('cancelled', 'cancelled');
}

function streamCsr(reader: H5adReader, columns: number[], visit: Visit, o: StreamOptions): void {
  const source = o.source ?? 'X';
  const m = reader.matrix(source);
  const slotOf = new Int32Array(m.n_cols).fill(-1);
  columns.forEach((c, s) => (slotOf[c] = s));
  for (let start = 0; start < m.n_rows; ) {
    checkAbort(o.signal);
    const end = reader.chunkEnd(source, start, o.chunk_rows ?? 8192, 1 << 22);
    const chunk = reader.readRows(source, start, end);
    for (let r = 0; r < chunk.n_rows; r++) {
      for (let k = chunk.indptr[r]; k < chunk.indptr[r + 1]; k++) {
        const s = slotOf[chunk.indices[k]];
        if (s >= 0 && chunk.data[k] !== 0) visit(start + r, s, chunk.data[k]);
      }
    }
    start = end;
    o.onProgress?.(start / m.n_rows);
  }
}

function streamCsc(reader: H5adReader, columns: number[], visit: Visit, o: StreamOptions): void {
  const source = o.source ?? 'X';
  columns.forEach((c, s) => {
    checkAbort(o.signal);
    const ptr = reader.readSparsePart(source, 'indptr', c, c + 2);
    const lo = Number(ptr[0]);
    const hi = Number(ptr[1]);
    const BLOCK = 1 << 22;
    for (let a = lo; a < hi; a += BLOCK) {
      const b = Math.min(hi, a + BLOCK);
      const rows = reader.readSparsePart(source, 'indices', a, b);
      const vals = reader.readSparsePart(source, 'data', a, b);
      for (let k = 0; k < rows.length; k++) if (vals[k] !== 0) visit(Number(rows[k]), s, Number(vals[k]));
    }
    o.onProgress?.((s + 1) / columns.length);
  });
}

function streamDense(reader: H5adReader, columns: number[], visit: Visit, o: StreamOptions): void {
  const source = o.source ?? 'X';
  const m = reader.matrix(source);
  const rowsPerBlock = Math.max(1, Math.min(o.chunk_rows ?? 8192, Math.floor((1 << 22) / Math.max(1, columns.length))));
  for (let start = 0; start < m.n_rows; start += rowsPerBlock) {
    checkAbort(o.signal);
    const end = Math.min(m.n_rows, start + rowsPerBlock);
    columns.forEach((c, s) => {
      const v = reader.readDenseBlock(source, start, end, c, c + 1);
      for (let r = 0; r < v.length; r++) if (v[r] !== 0) visit(start + r, s, Number(v[r]));
    });
    o.onProgress?.(end / m.n_rows);
  }
}

/** Streams the nonzero values of the genes at `columns` (var indices) to `visit`. */
export function streamGeneColumns(reader: H5adReader, columns: number[], visit: Visit, options: StreamOptions = {}): void {
  if (columns.length === 0) return;
  const enc = reader.matrix(options.source ?? 'X').encoding;
  if (enc === 'csr') streamCsr(reader, columns, visit, options);
  else if (enc === 'csc') streamCsc(reader, columns, visit, options);
  else streamDense(reader, columns, visit, options);
}
