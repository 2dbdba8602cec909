/**
 * Reads AnnData `.h5ad` files through h5wasm without loading the matrix: rows are read in
 * chunks by hyperslab. Handles the current encoding (anndata >= 0.8, `encoding-type` attrs) and
 * the old one (compound `obs`/`var` datasets, `raw.X`, `uns/<col>_categories`), X as CSR, CSC or
 * dense, float or integer.
 *
 * The h5wasm `File` is opened by the caller (Node: a real path via h5wasm/node; browser worker:
 * a WORKERFS-mounted File, see open-browser.ts), so this module has no platform code.
 */
import { CellTypistError } from '../types.ts';

/** Minimal structural types of the h5wasm objects used here. */
export interface H5Attr {
  value: unknown;
}
export interface H5Node {
  type: string;
  attrs: Record<string, H5Attr>;
}
export interface H5Dataset extends H5Node {
  shape: number[] | null;
  dtype: unknown;
  value: unknown;
  slice(ranges: Array<[number, number] | []>): unknown;
  /** h5wasm's identity of the dataset and its element type (used by the one-copy read). */
  file_id?: bigint;
  path?: string;
  metadata?: { type: number; size: number; signed?: boolean; littleEndian?: boolean; vlen?: boolean };
  /**
   * Elements [lo, hi) of the flattened dataset as raw bytes into `dest` (the direct reader,
   * direct/file.ts; h5wasm's datasets lack it).
   */
  readElementsInto?(lo: number, hi: number, dest: Uint8Array): void;
}

/**
 * The low-level h5wasm module (its `Module` export), when the opener passes it: rows of a CSR
 * matrix are then read into a reused buffer of h5wasm's heap and handed out as views, so the
 * engine copies them once, into the core's heap, instead of three times (h5wasm's slice copy,
 * a typed array, the core).
 */
export interface H5Raw {
  HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(ptr: number): void;
  get_dataset_data(fileId: bigint, path: string, count: bigint[] | null, offset: bigint[] | null, strides: bigint[] | null, ptr: bigint): number;
}

// h5wasm's H5T classes of the metadata (H5T_INTEGER = 0, H5T_FLOAT = 1).
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
/** Element types the one-copy reads take as they are (little-endian float32 values, int32 indices). */
const float32 = (md: H5Dataset['metadata']) => md?.type === H5T_FLOAT && md.size === 4 && md.littleEndian !== false;
const int32 = (md: H5Dataset['metadata']) => md?.type === H5T_INTEGER && md.size === 4 && md.signed !== false && md.littleEndian !== false;
export interface H5Group extends H5Node {
  keys(): string[];
  get(path: string): H5Dataset | H5Group | null;
}
export interface H5File extends H5Group {
  close(): unknown;
}

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

export interface ObsColumn {
  name: string;
  kind: 'categorical' | 'string' | 'numeric' | 'bool';
  n_categories?: number;
}

export interface H5adSummary {
  n_obs: number;
  n_vars: number;
  encoding: 'current' | 'legacy';
  x: MatrixInfo;
  raw: MatrixInfo | null;
  var_columns: string[];
  obs_columns: ObsColumn[];
  obsm: { name: string; dims: number }[];
  has_graph: boolean;
}

const GROUP = "Group"; // h5wasm OBJECT_TYPE.GROUP
const DATASET = "Dataset";

function attrString(node: H5Node | null, name: string): string | undefined {
  const a = node?.attrs?.[name];
  if (!a) return undefined;
  const v = a.value;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

function attrNumbers(node: H5Node | null, name: string): number[] | undefined {
  const a = node?.attrs?.[name];
  if (!a) return undefined;
  const v = a.value as ArrayLike<number | bigint> | number | bigint;
  if (typeof v === 'number' || typeof v === 'bigint') return [Number(v)];
  return Array.from(v as ArrayLike<number | bigint>, Number);
}

/** Converts whatever h5wasm returned for a numeric slice into a Float32Array. */
function toFloat32(v: unknown): Float32Array {
  if (v instanceof Float32Array) return v;
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Float32Array.from(v as BigInt64Array, Number);
  if (ArrayBuffer.isView(v)) return Float32Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return Float32Array.from(v.map((x) => (typeof x === 'boolean' ? (x ? 1 : 0) : Number(x))));
  throw new CellTypistError('corrupt_h5ad', 'unexpected matrix values in the h5ad file');
}

function toInt(v: unknown): Int32Array | Float64Array {
  if (v instanceof Int32Array) return v;
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) {
    // A plain loop: Float64Array.from(v, Number) calls back per element (~5x slower).
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = Number(v[i]);
    return out;
  }
  if (ArrayBuffer.isView(v)) return Int32Array.from(v as unknown as ArrayLike<number>);
  throw new CellTypistError('corrupt_h5ad', 'unexpected index values in the h5ad file');
}

function decodeStrings(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => (x instanceof Uint8Array ? new TextDecoder().decode(x) : String(x)));
  if (typeof v === 'string') return [v];
  throw new CellTypistError('corrupt_h5ad', 'expected strings in the h5ad file');
}

/** Reader over one open h5ad file. Call close() when done. */
export class H5adReader {
  readonly summary: H5adSummary;
  private readonly legacy: boolean;

  private obsIndex?: string[];
  /** Datasets looked up so far, by path. */
  private readonly datasets = new Map<string, H5Dataset>();
  /** The row pointers read last (chunkEnd reads them, the chunk's read reuses them). */
  private ptrWindow: { path: string; start: number; values: Int32Array | Float64Array } | null = null;
  /** Reused h5wasm heap buffers of readRowsView (data, indices). */
  private readonly scratch = [{ ptr: 0, bytes: 0 }, { ptr: 0, bytes: 0 }];

  constructor(
    private readonly file: H5File,
    private readonly h5?: H5Raw,
  ) {
    const keys = new Set(file.keys());
    if (!keys.has('X')) {
      const what = keys.size ? `it holds ${[...keys].slice(0, 6).join(', ')}` : 'it holds nothing readable: it is empty, truncated or corrupt';
      throw new CellTypistError('not_anndata', `this HDF5 file is not an AnnData .h5ad file (no 'X' matrix; ${what}). Export your data with anndata's write_h5ad().`);
    }
    const obs = file.get('obs');
    this.legacy = !!obs && obs.type === DATASET;
    const x = this.matrixInfo('X');
    const rawPath = keys.has('raw') ? 'raw/X' : keys.has('raw.X') ? 'raw.X' : null;
    const raw = rawPath && this.exists(rawPath) ? this.matrixInfo(rawPath) : null;
    const obsNames = this.obsNames();
    if (x.n_rows === 0 || obsNames.length === 0) {
      throw new CellTypistError('no_cells', 'the file has no cells (0 rows in X): nothing to annotate');
    }
    if (x.n_cols === 0) throw new CellTypistError('no_genes', 'the file has no genes (0 columns in X): nothing to annotate');
    this.summary = {
      n_obs: x.n_rows,
      n_vars: x.n_cols,
      encoding: this.legacy ? 'legacy' : 'current',
      x,
      raw,
      var_columns: this.dataframeColumns('var').map((c) => c.name),
      obs_columns: this.dataframeColumns('obs'),
      obsm: this.obsmKeys(),
      has_graph: this.exists('obsp/connectivities') || this.exists('uns/neighbors/connectivities'),
    };
  }

  close(): void {
    for (const b of this.scratch) if (b.ptr) this.h5?._free(b.ptr);
    this.file.close();
  }

  private exists(path: string): boolean {
    try {
      return this.file.get(path) != null;
    } catch {
      return false;
    }
  }

  private node(path: string): H5Dataset | H5Group {
    const n = this.file.get(path);
    if (!n) throw new CellTypistError('corrupt_h5ad', `the h5ad file has no '${path}'`);
    return n;
  }

  private dataset(path: string): H5Dataset {
    // Kept: the file is read-only, and h5wasm's get() looks the path up in the file and fetches
    // the dataset's metadata again for every new object (three per chunk otherwise).
    const known = this.datasets.get(path);
    if (known) return known;
    const n = this.node(path);
    if (n.type !== DATASET) throw new CellTypistError('corrupt_h5ad', `'${path}' in the h5ad file is not a dataset`);
    this.datasets.set(path, n as H5Dataset);
    return n as H5Dataset;
  }

  /** Encoding, shape and dtype of a matrix (X or raw/X). */
  matrixInfo(path: string): MatrixInfo {
    const n = this.node(path);
    if (n.type === GROUP) {
      const enc = attrString(n, 'encoding-type') ?? attrString(n, 'h5sparse_format');
      const shape = attrNumbers(n, 'shape') ?? attrNumbers(n, 'h5sparse_shape');
      if (!shape || shape.length !== 2) throw new CellTypistError('corrupt_h5ad', `the sparse matrix '${path}' has no shape`);
      const encoding = enc === 'csr_matrix' || enc === 'csr' ? 'csr' : enc === 'csc_matrix' || enc === 'csc' ? 'csc' : null;
      if (!encoding) throw new CellTypistError('unsupported_h5ad', `'${path}' is stored as '${enc ?? 'unknown'}', not a CSR/CSC sparse matrix or a dense array`);
      const data = this.dataset(`${path}/data`);
      return { path, encoding, n_rows: shape[0], n_cols: shape[1], dtype: String(data.dtype) };
    }
    const ds = n as H5Dataset;
    const shape = ds.shape ?? [];
    if (shape.length !== 2) throw new CellTypistError('corrupt_h5ad', `'${path}' is not a 2-D matrix`);
    return { path, encoding: 'dense', n_rows: shape[0], n_cols: shape[1], dtype: String(ds.dtype) };
  }

  matrix(source: MatrixSource): MatrixInfo {
    if (source === 'X') return this.summary.x;
    if (!this.summary.raw) throw new CellTypistError('no_raw', 'the file has no raw layer (raw/X)');
    return this.summary.raw;
  }

  /**
   * End of the next chunk starting at `start`: at most `maxRows` rows and, for CSR, at most
   * `nnzBudget` nonzeros (at least one row), so memory per chunk is bounded for dense-ish data.
   */
  chunkEnd(source: MatrixSource, start: number, maxRows: number, nnzBudget: number): number {
    const m = this.matrix(source);
    const end = Math.min(m.n_rows, start + maxRows);
    if (m.encoding !== 'csr') return end;
    const ptr = this.rowPointerValues(m, start, end);
    const lo = Number(ptr[0]);
    let r = 1;
    while (r < ptr.length - 1 && Number(ptr[r + 1]) - lo <= nnzBudget) r++;
    return start + r;
  }

  /** Reads rows [start, end) of X or raw/X as CSR. */
  readRows(source: MatrixSource, start: number, end: number): CsrChunk {
    const m = this.matrix(source);
    end = Math.min(end, m.n_rows);
    if (m.encoding === 'csr') return this.readCsr(m, start, end);
    if (m.encoding === 'dense') return this.readDense(m, start, end);
    return this.readCsc(m, start, end);
  }

  /**
   * readRows, but the arrays may be views of a buffer reused by the next read (copy them before
   * reading again): one copy less for callers that copy anyway, e.g. into the wasm core.
   */
  readRowsView(source: MatrixSource, start: number, end: number): CsrChunk {
    const v = this.viewCsr(source, start, end, true);
    return v ? { ...v, indices: v.indices! } : this.readRows(source, start, end);
  }

  /**
   * The values of rows [start, end) and their chunk-relative row pointers, without the column
   * indices (the input check needs no more): half the reading of readRowsView, views as there.
   */
  readRowValues(source: MatrixSource, start: number, end: number): Pick<CsrChunk, 'n_rows' | 'n_cols' | 'data' | 'indptr'> {
    return this.viewCsr(source, start, end, false) ?? this.readRowsView(source, start, end);
  }

  /**
   * Rows [start, end) of a CSR matrix of float32 values and int32 indices read straight into
   * caller memory: `into(nnz)` returns the destinations of the values and the indices (nnz * 4
   * bytes each). Returns the chunk-relative row pointers, or null when this read does not apply
   * (h5wasm, another encoding or element type): use readRowsView then.
   */
  readRowsInto(source: MatrixSource, start: number, end: number, into: (nnz: number) => { data: Uint8Array; indices: Uint8Array }): Int32Array | null {
    const m = this.matrix(source);
    if (m.encoding !== 'csr') return null;
    return this.readDirect(m, this.dataset(`${m.path}/data`), this.dataset(`${m.path}/indices`), start, Math.min(end, m.n_rows), into);
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
  private viewCsr(source: MatrixSource, start: number, end: number, withIndices: boolean): (Omit<CsrChunk, 'indices'> & { indices: Int32Array | null }) | null {
    const m = this.matrix(source);
    const h5 = this.h5;
    if (m.encoding !== 'csr') return null;
    end = Math.min(end, m.n_rows);
    const data = this.dataset(`${m.path}/data`);
    const indices = withIndices ? this.dataset(`${m.path}/indices`) : null;
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

  /** viewCsr for the direct reader: one read per array, into fresh arrays. */
  private directCsr(m: MatrixInfo, data: H5Dataset, indices: H5Dataset | null, start: number, end: number): (Omit<CsrChunk, 'indices'> & { indices: Int32Array | null }) | null {
    let values = new Float32Array(0);
    let columns: Int32Array | null = null;
    const indptr = this.readDirect(m, data, indices, start, end, (n) => {
      values = new Float32Array(n);
      columns = indices ? new Int32Array(n) : null;
      return { data: new Uint8Array(values.buffer), indices: columns && new Uint8Array(columns.buffer) };
    });
    return indptr && { n_rows: end - start, n_cols: m.n_cols, indptr, data: values, indices: columns };
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
    const values = toInt(this.dataset(`${m.path}/indptr`).slice([[start, end + 1]]));
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
    const data = hi > lo ? toFloat32(this.dataset(`${m.path}/data`).slice([[lo, hi]])) : new Float32Array(0);
    const idx = hi > lo ? toInt(this.dataset(`${m.path}/indices`).slice([[lo, hi]])) : new Int32Array(0);
    const indices = idx instanceof Int32Array ? idx : Int32Array.from(idx);
    return { n_rows: n, n_cols: m.n_cols, data, indices, indptr };
  }

  private readDense(m: MatrixInfo, start: number, end: number): CsrChunk {
    const n = end - start;
    const block = toFloat32(this.dataset(m.path).slice([[start, end], [0, m.n_cols]]));
    let nnz = 0;
    for (let i = 0; i < block.length; i++) if (block[i] !== 0) nnz++;
    const data = new Float32Array(nnz);
    const indices = new Int32Array(nnz);
    const indptr = new Int32Array(n + 1);
    let k = 0;
    for (let r = 0; r < n; r++) {
      const row = r * m.n_cols;
      for (let c = 0; c < m.n_cols; c++) {
        const v = block[row + c];
        if (v !== 0) {
          data[k] = v;
          indices[k++] = c;
        }
      }
      indptr[r + 1] = k;
    }
    return { n_rows: n, n_cols: m.n_cols, data, indices, indptr };
  }

  /**
   * CSC → CSR for a row range: streams the column data in blocks (bounded memory) and keeps the
   * entries whose row falls in range. Costs one pass over the nonzeros per chunk, so callers
   * use large chunks for CSC files.
   */
  private readCsc(m: MatrixInfo, start: number, end: number): CsrChunk {
    const colptr = toInt(this.dataset(`${m.path}/indptr`).value);
    const total = Number(colptr[colptr.length - 1]);
    const rowsDs = this.dataset(`${m.path}/indices`);
    const dataDs = this.dataset(`${m.path}/data`);
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

  /** Path of the dataframe of genes of a matrix source. */
  private varPath(source: MatrixSource): string {
    if (source === 'X') return 'var';
    return this.exists('raw/var') ? 'raw/var' : 'raw.var';
  }

  /** Gene names of X or raw: the var index, or a chosen var column. */
  varNames(source: MatrixSource = 'X', column?: string): string[] {
    const path = this.varPath(source);
    const names = column ? this.readColumn(path, column) : this.dataframeIndex(path);
    if (!Array.isArray(names)) throw new CellTypistError('bad_gene_column', `var column '${column}' is numeric, not gene names`);
    return names;
  }

  /** Columns of var (of X or raw). */
  varColumns(source: MatrixSource = 'X'): string[] {
    return this.dataframeColumns(this.varPath(source)).map((c) => c.name);
  }

  /** Cell names (read once: 20k names take ~40 ms through h5wasm). Callers must not modify them. */
  obsNames(): string[] {
    this.obsIndex ??= this.dataframeIndex('obs');
    return this.obsIndex;
  }

  /** An obs column: strings for categorical/string columns, numbers otherwise. */
  readObsColumn(name: string): string[] | Float64Array {
    return this.readColumn('obs', name);
  }

  /**
   * The categories of a categorical obs column, in their stored order (pandas' category order),
   * or null when the column is not categorical. Plots order groups by them.
   */
  obsCategories(name: string): string[] | null {
    // Probe parents first: asking HDF5 for a child of a dataset prints diagnostics.
    const col = this.exists('obs') ? this.file.get('obs') : null;
    const own = col?.type === GROUP && this.exists(`obs/${name}`) ? this.file.get(`obs/${name}`) : null;
    if (own?.type === GROUP) return (own as H5Group).keys().includes('categories') ? decodeStrings(this.dataset(`obs/${name}/categories`).value) : null;
    if (col?.type === GROUP && (col as H5Group).keys().includes('__categories') && this.exists(`obs/__categories/${name}`)) {
      return decodeStrings(this.dataset(`obs/__categories/${name}`).value);
    }
    return this.exists('uns') && this.exists(`uns/${name}_categories`) ? decodeStrings(this.dataset(`uns/${name}_categories`).value) : null;
  }

  /** obsm keys with their number of dimensions. */
  obsmKeys(): { name: string; dims: number }[] {
    const obsm = this.file.get('obsm');
    if (!obsm) return [];
    if (obsm.type === GROUP) {
      return (obsm as H5Group)
        .keys()
        .map((k) => ({ k, n: (obsm as H5Group).get(k) }))
        .filter(({ n }) => n && n.type === DATASET && (n as H5Dataset).shape?.length === 2)
        .map(({ k, n }) => ({ name: k, dims: (n as H5Dataset).shape![1] }));
    }
    const dtype = (obsm as H5Dataset).dtype as { compound_type?: { members: { name: string; shape?: number[] }[] } } | unknown[];
    if (Array.isArray(dtype)) {
      return (dtype as [string, string, number[]?][]).map(([name, , shape]) => ({ name, dims: shape?.[0] ?? 1 }));
    }
    return [];
  }

  /**
   * The neighbour graph scanpy stores (obsp/connectivities, or uns/neighbors/connectivities in
   * old files) as CSR, or null when the file has none. A symmetric graph stored as CSC is the
   * same matrix, so CSC is accepted too.
   */
  readGraph(): { n: number; indptr: Int32Array; indices: Int32Array; weights: Float64Array } | null {
    const path = ['obsp/connectivities', 'uns/neighbors/connectivities'].find((p) => this.exists(p));
    if (!path) return null;
    const info = this.matrixInfo(path);
    const n = this.summary.n_obs;
    if (info.encoding === 'dense' || info.n_rows !== n || info.n_cols !== n) {
      throw new CellTypistError('bad_graph', `the neighbour graph ${path} is not a sparse ${n} × ${n} matrix (it is ${info.encoding} ${info.n_rows} × ${info.n_cols}); remove it or recompute it with scanpy's pp.neighbors`);
    }
    const indptr = Int32Array.from(toInt(this.dataset(`${path}/indptr`).value), Number);
    const indices = Int32Array.from(toInt(this.dataset(`${path}/indices`).value), Number);
    const raw = this.dataset(`${path}/data`).value as ArrayLike<number>;
    const weights = raw instanceof Float64Array ? raw : Float64Array.from(raw);
    if (indptr.length !== n + 1 || indices.length !== weights.length || indptr[n] !== indices.length) {
      throw new CellTypistError('bad_graph', `the neighbour graph ${path} is malformed (inconsistent indptr/indices/data); remove it or recompute it with scanpy's pp.neighbors`);
    }
    return { n, indptr, indices, weights };
  }

  /** Indices of genes flagged in var['highly_variable'] (of X or raw), or null when absent. */
  highlyVariableGenes(source: MatrixSource = 'X'): number[] | null {
    const path = this.varPath(source);
    if (!this.dataframeColumns(path).some((c) => c.name === 'highly_variable')) return null;
    const col = this.readColumn(path, 'highly_variable');
    const out: number[] = [];
    const values = Array.isArray(col) ? col.map((v) => v === 'True' || v === 'true' || v === '1') : Array.from(col, (v) => v !== 0);
    values.forEach((v, i) => v && out.push(i));
    return out;
  }

  /** An embedding as row-major float32 (n_obs × dims). */
  readObsm(name: string): { dims: number; data: Float32Array } {
    const obsm = this.node('obsm');
    if (obsm.type === GROUP) {
      const ds = this.dataset(`obsm/${name}`);
      const dims = ds.shape?.[1] ?? 1;
      return { dims, data: toFloat32(ds.value) };
    }
    const rows = (obsm as H5Dataset).value as unknown[][];
    const keys = this.obsmKeys();
    const i = keys.findIndex((k) => k.name === name);
    if (i < 0) throw new CellTypistError('no_embedding', `obsm has no '${name}'`);
    const dims = keys[i].dims;
    const data = new Float32Array(rows.length * dims);
    rows.forEach((row, r) => {
      const v = row[i] as ArrayLike<number>;
      for (let d = 0; d < dims; d++) data[r * dims + d] = Number(v[d]);
    });
    return { dims, data };
  }

  private dataframeIndex(path: string): string[] {
    const n = this.node(path);
    if (n.type === GROUP) {
      const idx = attrString(n, '_index') ?? '_index';
      return decodeStrings(this.dataset(`${path}/${idx}`).value);
    }
    const rows = (n as H5Dataset).value as unknown[][];
    return rows.map((r) => String(r[0]));
  }

  private dataframeColumns(path: string): ObsColumn[] {
    const n = this.file.get(path);
    if (!n) return [];
    if (n.type === GROUP) {
      const g = n as H5Group;
      const idx = attrString(g, '_index') ?? '_index';
      const out: ObsColumn[] = [];
      for (const k of g.keys()) {
        if (k === idx || k === '__categories') continue;
        const c = g.get(k);
        if (!c) continue;
        if (c.type === GROUP) {
          const enc = attrString(c, 'encoding-type');
          if (enc === 'categorical') {
            const cats = (c as H5Group).get('categories') as H5Dataset | null;
            out.push({ name: k, kind: 'categorical', n_categories: cats?.shape?.[0] ?? 0 });
          } else if (enc === 'nullable-boolean') {
            out.push({ name: k, kind: 'bool' });
          } else if (enc === 'nullable-integer') {
            out.push({ name: k, kind: 'numeric' });
          }
          continue;
        }
        const ds = c as H5Dataset;
        if (this.exists(`${path}/__categories/${k}`)) {
          out.push({ name: k, kind: 'categorical' });
          continue;
        }
        const dt = String(ds.dtype);
        out.push({ name: k, kind: dt === 'S' || dt.startsWith('S') || dt.startsWith('A') ? 'string' : dt === '?' || dt === 'b1' ? 'bool' : 'numeric' });
      }
      return out;
    }
    const dtype = (n as H5Dataset).dtype as [string, string][];
    return dtype.slice(1).map(([name, t]) => {
      if (this.exists(`uns/${name}_categories`)) return { name, kind: 'categorical' as const };
      return { name, kind: String(t).startsWith('A') || String(t).startsWith('S') ? ('string' as const) : ('numeric' as const) };
    });
  }

  private readColumn(path: string, name: string): string[] | Float64Array {
    const n = this.node(path);
    if (n.type === GROUP) {
      const c = (n as H5Group).get(name);
      if (!c) {
        const cols = this.dataframeColumns(path).map((x) => x.name);
        throw new CellTypistError('no_column', `'${path}' has no column '${name}'${cols.length ? ` (columns: ${cols.slice(0, 12).join(', ')})` : ''}`);
      }
      if (c.type === GROUP) {
        const enc = attrString(c, 'encoding-type');
        if (enc === 'categorical') {
          // Through dataset(): a categorical without its parts is a clear 'corrupt' error.
          const cats = decodeStrings(this.dataset(`${path}/${name}/categories`).value);
          const codes = toInt(this.dataset(`${path}/${name}/codes`).value);
          return Array.from(codes, (k) => (Number(k) < 0 ? 'nan' : cats[Number(k)]));
        }
        const values = (c as H5Group).get('values') as H5Dataset | null;
        if (values) return Float64Array.from(toFloat32(values.value));
        throw new CellTypistError('unsupported_h5ad', `column '${name}' has an unsupported encoding '${enc}'`);
      }
      const ds = c as H5Dataset;
      const catsPath = `${path}/__categories/${name}`;
      if (this.exists(catsPath)) {
        const cats = decodeStrings(this.dataset(catsPath).value);
        return Array.from(toInt(ds.value), (k) => (Number(k) < 0 ? 'nan' : cats[Number(k)]));
      }
      const v = ds.value;
      if (Array.isArray(v) && (v.length === 0 || typeof v[0] === 'string')) return v as string[];
      return Float64Array.from(v as ArrayLike<number>, Number);
    }
    // Legacy compound dataframe.
    const dtype = (n as H5Dataset).dtype as [string, string][];
    const i = dtype.findIndex(([f]) => f === name);
    if (i < 0) throw new CellTypistError('no_column', `'${path}' has no column '${name}' (columns: ${dtype.slice(1).map(([f]) => f).join(', ')})`);
    const rows = (n as H5Dataset).value as unknown[][];
    const catsPath = `uns/${name}_categories`;
    if (this.exists(catsPath)) {
      const cats = decodeStrings(this.dataset(catsPath).value);
      return rows.map((r) => (Number(r[i]) < 0 ? 'nan' : cats[Number(r[i])]));
    }
    if (typeof rows[0]?.[i] === 'string') return rows.map((r) => String(r[i]));
    return Float64Array.from(rows, (r) => Number(r[i]));
  }
}
