/**
 * The expression matrix of an .h5ad (X or raw/X): its encoding and shape, and its rows read in
 * chunks as CSR, whatever the file stores (CSR, CSC or dense; float or integer). CSR rows are
 * read in one copy where the reader allows it: into a reused h5wasm heap buffer (views), or
 * with the direct reader straight into caller memory. A chunk's row pointers are read once,
 * for chunkEnd and the read that follows.
 */
import { CellTypistError } from '../types.ts';
import { attrNumbers, attrString, GROUP, type H5Dataset, type H5Paths, type H5Raw } from './h5-objects.ts';
import { float32, int32, toFloat32, toInt, toNumbers } from './h5-values.ts';
import type { CsrChunk, MatrixInfo } from './matrix-types.ts';
import { cscRowsToCsr, denseRowsToCsr } from './to-csr.ts';

/** A CSR chunk whose column indices may have been left unread. */
type CsrRows = Omit<CsrChunk, 'indices'> & { indices: Int32Array | null };

/** Encoding, shape and dtype of a matrix (X, raw/X, or a graph in obsp). */
export function matrixInfo(paths: H5Paths, path: string): MatrixInfo {
  const n = paths.node(path);
  if (n.type === GROUP) {
    const enc = attrString(n, 'encoding-type') ?? attrString(n, 'h5sparse_format');
    const shape = attrNumbers(n, 'shape') ?? attrNumbers(n, 'h5sparse_shape');
    if (!shape || shape.length !== 2) throw new CellTypistError('corrupt_h5ad', `the sparse matrix '${path}' has no shape`);
    const encoding = enc === 'csr_matrix' || enc === 'csr' ? 'csr' : enc === 'csc_matrix' || enc === 'csc' ? 'csc' : null;
    if (!encoding) throw new CellTypistError('unsupported_h5ad', `'${path}' is stored as '${enc ?? 'unknown'}', not a CSR/CSC sparse matrix or a dense array`);
    const data = paths.dataset(`${path}/data`);
    return { path, encoding, n_rows: shape[0], n_cols: shape[1], dtype: String(data.dtype) };
  }
  const ds = n as H5Dataset;
  const shape = ds.shape ?? [];
  if (shape.length !== 2) throw new CellTypistError('corrupt_h5ad', `'${path}' is not a 2-D matrix`);
  return { path, encoding: 'dense', n_rows: shape[0], n_cols: shape[1], dtype: String(ds.dtype) };
}

/** Reads of the matrices of one open file. Call free() when done (the reused heap buffers). */
export class MatrixReads {
  /** The row pointers read last (chunkEnd reads them, the chunk's read reuses them). */
  private ptrWindow: { path: string; start: number; values: Int32Array | Float64Array } | null = null;
  /** Reused h5wasm heap buffers of readRowsView (data, indices). */
  private readonly scratch = [{ ptr: 0, bytes: 0 }, { ptr: 0, bytes: 0 }];

  constructor(
    private readonly paths: H5Paths,
    private readonly h5?: H5Raw,
  ) {}

  free(): void {
    for (const b of this.scratch) if (b.ptr) this.h5?._free(b.ptr);
  }

  /**
   * End of the next chunk starting at `start`: at most `maxRows` rows and, for CSR, at most
   * `nnzBudget` nonzeros (at least one row), so memory per chunk is bounded for dense-ish data.
   */
  chunkEnd(m: MatrixInfo, start: number, maxRows: number, nnzBudget: number): number {
    const end = Math.min(m.n_rows, start + maxRows);
    if (m.encoding !== 'csr') return end;
    const ptr = this.rowPointerValues(m, start, end);
    const lo = Number(ptr[0]);
    let r = 1;
    while (r < ptr.length - 1 && Number(ptr[r + 1]) - lo <= nnzBudget) r++;
    return start + r;
  }

  /** Reads rows [start, end) as CSR. */
  readRows(m: MatrixInfo, start: number, end: number): CsrChunk {
    end = Math.min(end, m.n_rows);
    if (m.encoding === 'csr') return this.readCsr(m, start, end);
    if (m.encoding === 'dense') return denseRowsToCsr(toFloat32(this.paths.dataset(m.path).slice([[start, end], [0, m.n_cols]])), end - start, m.n_cols);
    return cscRowsToCsr(this.paths, m, start, end);
  }

  /**
   * readRows, but the arrays may be views of a buffer reused by the next read (copy them before
   * reading again): one copy less for callers that copy anyway, e.g. into the wasm core.
   */
  readRowsView(m: MatrixInfo, start: number, end: number): CsrChunk {
    const v = this.viewCsr(m, start, end, true);
    return v ? { ...v, indices: v.indices! } : this.readRows(m, start, end);
  }

  /**
   * The values of rows [start, end) and their chunk-relative row pointers, without the column
   * indices (the input check needs no more): half the reading of readRowsView, views as there.
   */
  readRowValues(m: MatrixInfo, start: number, end: number): Pick<CsrChunk, 'n_rows' | 'n_cols' | 'data' | 'indptr'> {
    return this.viewCsr(m, start, end, false) ?? this.readRowsView(m, start, end);
  }

  /**
   * Rows [start, end) of a CSR matrix of float32 values and int32 indices read straight into
   * caller memory: `into(nnz)` returns the destinations of the values and the indices (nnz * 4
   * bytes each). Returns the chunk-relative row pointers, or null when this read does not apply
   * (h5wasm, another encoding or element type): use readRowsView then.
   */
  readRowsInto(m: MatrixInfo, start: number, end: number, into: (nnz: number) => { data: Uint8Array; indices: Uint8Array }): Int32Array | null {
    if (m.encoding !== 'csr') return null;
    return this.readDirect(m, this.paths.dataset(`${m.path}/data`), this.paths.dataset(`${m.path}/indices`), start, Math.min(end, m.n_rows), into);
  }

  /**
   * Starts reading rows [start, end) of a CSR matrix ahead (values and indices), for a
   * readRowsInto of the same rows that follows; undefined when the file cannot read ahead.
   * The row pointers read here are the ones that read reuses.
   */
  prefetchRows(m: MatrixInfo, start: number, end: number): Promise<void> | undefined {
    if (m.encoding !== 'csr') return undefined;
    const data = this.paths.dataset(`${m.path}/data`);
    const indices = this.paths.dataset(`${m.path}/indices`);
    if (!data.prefetchElements || !indices.prefetchElements) return undefined;
    const { lo, hi } = this.rowPointers(m, start, Math.min(end, m.n_rows));
    const reads = [data.prefetchElements(lo, hi), indices.prefetchElements(lo, hi)].filter((p) => p);
    return reads.length ? Promise.all(reads).then(() => undefined) : undefined;
  }

  /**
   * Elements [lo, hi) of one array of a sparse matrix ('data', 'indices' or 'indptr'), as stored
   * (float64 stays float64): for reads by column of a CSC matrix.
   */
  readSparsePart(m: MatrixInfo, part: 'data' | 'indices' | 'indptr', lo: number, hi: number): ArrayLike<number> {
    return toNumbers(this.paths.dataset(`${m.path}/${part}`).slice([[lo, hi]]));
  }

  /** Rows [start, end) of columns [colStart, colEnd) of a dense matrix, row-major, as stored. */
  readDenseBlock(m: MatrixInfo, start: number, end: number, colStart: number, colEnd: number): ArrayLike<number> {
    return toNumbers(this.paths.dataset(m.path).slice([[start, end], [colStart, colEnd]]));
  }

  /**
   * The direct reader's CSR read: row pointers of rows [start, end), then the values (and the
   * column indices when `indices` is given) from the file into `into(nnz)`'s destinations; null
   * where it does not apply (h5wasm datasets, other element types).
   */
  private readDirect(
    m: MatrixInfo,
    data: H5Dataset,
    indices: H5Dataset | null,
    start: number,
    end: number,
    into: (nnz: number) => { data: Uint8Array; indices: Uint8Array | null },
  ): Int32Array | null {
    if (!data.readElementsInto || !float32(data.metadata) || (indices && (!indices.readElementsInto || !int32(indices.metadata)))) return null;
    const { indptr, lo, hi } = this.rowPointers(m, start, end);
    const dest = into(hi - lo);
    if (hi > lo) {
      data.readElementsInto(lo, hi, dest.data);
      if (indices) indices.readElementsInto!(lo, hi, dest.indices!);
    }
    return indptr;
  }

  /**
   * Rows of a CSR matrix read into the reused h5wasm buffers and handed out as views: float32
   * values, and int32 column indices when `withIndices`; null where that read does not apply
   * (another encoding or element type, no low-level h5wasm).
   */
  private viewCsr(m: MatrixInfo, start: number, end: number, withIndices: boolean): CsrRows | null {
    const h5 = this.h5;
    if (m.encoding !== 'csr') return null;
    end = Math.min(end, m.n_rows);
    const data = this.paths.dataset(`${m.path}/data`);
    const indices = withIndices ? this.paths.dataset(`${m.path}/indices`) : null;
    if (!h5) return this.directCsr(m, data, indices, start, end);
    if (data.file_id === undefined || !float32(data.metadata) || (indices && !int32(indices.metadata))) return null;
    const { indptr, lo, hi } = this.rowPointers(m, start, end);
    const n = hi - lo;
    const rows = { n_rows: end - start, n_cols: m.n_cols, indptr };
    if (n === 0) return { ...rows, data: new Float32Array(0), indices: indices && new Int32Array(0) };
    // Allocate both first: a malloc may grow h5wasm's memory and detach earlier views.
    const pData = this.scratchBuffer(0, n * 4);
    const pIdx = indices ? this.scratchBuffer(1, n * 4) : 0;
    const read = (ds: H5Dataset, ptr: number) => h5.get_dataset_data(ds.file_id!, ds.path!, [BigInt(n)], [BigInt(lo)], [1n], BigInt(ptr));
    read(data, pData);
    if (indices) read(indices, pIdx);
    const buf = h5.HEAPU8.buffer;
    return { ...rows, data: new Float32Array(buf, pData, n), indices: indices && new Int32Array(buf, pIdx, n) };
  }

  /** viewCsr for the direct reader: one read per array, each in a buffer of its own (no copy where the reader can). */
  private directCsr(m: MatrixInfo, data: H5Dataset, indices: H5Dataset | null, start: number, end: number): CsrRows | null {
    if (!data.readElements || !float32(data.metadata) || (indices && (!indices.readElements || !int32(indices.metadata)))) return null;
    const { indptr, lo, hi } = this.rowPointers(m, start, end);
    const read = (ds: H5Dataset) => {
      const b = ds.readElements!(lo, hi);
      return b.byteOffset % 4 === 0 ? b : new Uint8Array(b);
    };
    const d = read(data);
    const values = new Float32Array(d.buffer, d.byteOffset, hi - lo);
    const c = indices && read(indices);
    return { n_rows: end - start, n_cols: m.n_cols, indptr, data: values, indices: c && new Int32Array(c.buffer, c.byteOffset, hi - lo) };
  }

  private scratchBuffer(i: number, bytes: number): number {
    const b = this.scratch[i];
    if (b.bytes < bytes) {
      if (b.ptr) this.h5!._free(b.ptr);
      b.ptr = this.h5!._malloc(bytes);
      if (!b.ptr) throw new CellTypistError('out_of_memory', `cannot read ${(bytes / 1e6).toFixed(0)} MB of the matrix: out of memory`);
      b.bytes = bytes;
    }
    return b.ptr;
  }

  /** indptr[start..end] of a CSR matrix (end + 1 - start values), read once for chunkEnd and the chunk's read. */
  private rowPointerValues(m: MatrixInfo, start: number, end: number): Int32Array | Float64Array {
    const w = this.ptrWindow;
    if (w && w.path === m.path && w.start <= start && end + 1 <= w.start + w.values.length) {
      return w.values.subarray(start - w.start, end + 1 - w.start);
    }
    const values = toInt(this.paths.dataset(`${m.path}/indptr`).slice([[start, end + 1]]));
    this.ptrWindow = { path: m.path, start, values };
    return values;
  }

  /** Chunk-relative row pointers of rows [start, end) and their nonzero range [lo, hi). */
  private rowPointers(m: MatrixInfo, start: number, end: number): { indptr: Int32Array; lo: number; hi: number } {
    const ptr = this.rowPointerValues(m, start, end);
    const lo = Number(ptr[0]);
    const hi = Number(ptr[ptr.length - 1]);
    if (!(hi >= lo)) throw new CellTypistError('corrupt_h5ad', `corrupt sparse matrix '${m.path}': row pointers decrease`);
    const indptr = new Int32Array(end - start + 1);
    for (let i = 0; i <= end - start; i++) indptr[i] = Number(ptr[i]) - lo;
    return { indptr, lo, hi };
  }

  private readCsr(m: MatrixInfo, start: number, end: number): CsrChunk {
    const { indptr, lo, hi } = this.rowPointers(m, start, end);
    const n = end - start;
    const data = hi > lo ? toFloat32(this.paths.dataset(`${m.path}/data`).slice([[lo, hi]])) : new Float32Array(0);
    const idx = hi > lo ? toInt(this.paths.dataset(`${m.path}/indices`).slice([[lo, hi]])) : new Int32Array(0);
    const indices = idx instanceof Int32Array ? idx : Int32Array.from(idx);
    return { n_rows: n, n_cols: m.n_cols, data, indices, indptr };
  }
}
