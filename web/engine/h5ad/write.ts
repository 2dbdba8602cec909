/**
 * Writes AnnData files (current encoding, anndata >= 0.8) with h5wasm: used for the annotated
 * output, the benchmark generator and test fixtures. The matrix can be appended in row chunks
 * (CSR) so that huge files are written with bounded memory.
 */

/** Structural subset of h5wasm's Group/Dataset used for writing. */
export interface WGroup {
  create_group(name: string): WGroup;
  create_dataset(args: { name: string; data: unknown; shape?: number[] | null; dtype?: string | null; maxshape?: (number | null)[] | null; chunks?: number[] | null }): WDataset;
  create_attribute(name: string, data: unknown, shape?: number[] | null, dtype?: string | null): void;
  get(path: string): unknown;
}
export interface WDataset {
  resize(shape: number[]): number;
  write_slice(ranges: Array<[number, number]>, data: unknown): void;
  create_attribute(name: string, data: unknown, shape?: number[] | null, dtype?: string | null): void;
}

function enc(node: WGroup | WDataset, type: string, version: string) {
  node.create_attribute('encoding-type', type);
  node.create_attribute('encoding-version', version);
}

/**
 * Writes a dataframe group: index plus string, numeric columns. String columns are written as
 * string arrays unless `categorical` (categoricals carry an `ordered` flag that must be an HDF5
 * boolean enum, which h5wasm cannot write; anndata < 0.10 then refuses the file).
 */
export function writeDataframe(parent: WGroup, name: string, index: string[], columns: Record<string, string[] | Float64Array | Float32Array | Int32Array>, categorical = false): void {
  const g = parent.create_group(name);
  enc(g, 'dataframe', '0.2.0');
  g.create_attribute('_index', '_index');
  const names = Object.keys(columns);
  g.create_attribute('column-order', names.length ? names : new Float64Array(0)); // anndata writes an empty float array
  const idx = g.create_dataset({ name: '_index', data: index });
  enc(idx, 'string-array', '0.2.0');
  for (const [col, values] of Object.entries(columns)) {
    if (Array.isArray(values)) {
      if (categorical) {
        const cats = [...new Set(values)].sort();
        const pos = new Map(cats.map((c, i) => [c, i]));
        const cg = g.create_group(col);
        enc(cg, 'categorical', '0.2.0');
        cg.create_attribute('ordered', new Uint8Array([0])); // anndata reads it with bool(); h5wasm cannot write numpy bools
        const c = cg.create_dataset({ name: 'categories', data: cats });
        enc(c, 'string-array', '0.2.0');
        const codes = cg.create_dataset({ name: 'codes', data: Int32Array.from(values, (v) => pos.get(v)!) });
        enc(codes, 'array', '0.2.0');
      } else {
        const ds = g.create_dataset({ name: col, data: values });
        enc(ds, 'string-array', '0.2.0');
      }
    } else {
      const ds = g.create_dataset({ name: col, data: values });
      enc(ds, 'array', '0.2.0');
    }
  }
}

/**
 * Streams CSR rows into `parent/name` (encoding csr_matrix). Call append() per chunk, then
 * finish(). `indptr` int64 holds any number of nonzeros; int32 (what scipy and anndata write below
 * 2^31 nonzeros, and what some readers need to match the int32 indices) is refused past it.
 */
export class CsrWriter {
  private nnz = 0;
  private rows = 0;
  private readonly data: WDataset;
  private readonly indices: WDataset;
  private readonly indptr: WDataset;
  private readonly group: WGroup;

  constructor(
    parent: WGroup,
    name: string,
    private readonly nCols: number,
    dtype: 'float32' | 'float64' | 'int32' = 'float32',
    private readonly indptrType: 'int32' | 'int64' = 'int64',
  ) {
    this.group = parent.create_group(name);
    enc(this.group, 'csr_matrix', '0.1.0');
    const chunk = [1 << 16];
    const empty = dtype === 'float64' ? new Float64Array(0) : dtype === 'int32' ? new Int32Array(0) : new Float32Array(0);
    this.data = this.group.create_dataset({ name: 'data', data: empty, shape: [0], maxshape: [null], chunks: chunk });
    this.indices = this.group.create_dataset({ name: 'indices', data: new Int32Array(0), shape: [0], maxshape: [null], chunks: chunk });
    const zero = indptrType === 'int32' ? new Int32Array([0]) : new BigInt64Array([0n]);
    this.indptr = this.group.create_dataset({ name: 'indptr', data: zero, shape: [1], maxshape: [null], chunks: [1 << 14] });
  }

  /** Appends rows given as CSR with chunk-relative indptr. */
  append(data: Float32Array | Float64Array | Int32Array, indices: Int32Array, indptr: ArrayLike<number>): void {
    const nRows = indptr.length - 1;
    const n = data.length;
    if (this.indptrType === 'int32' && this.nnz + n > 0x7fffffff) {
      throw new Error(`more than 2^31 - 1 nonzeros do not fit an int32 indptr: write it as int64`);
    }
    if (n > 0) {
      this.data.resize([this.nnz + n]);
      this.data.write_slice([[this.nnz, this.nnz + n]], data);
      this.indices.resize([this.nnz + n]);
      this.indices.write_slice([[this.nnz, this.nnz + n]], indices);
    }
    const ptr = this.indptrType === 'int32' ? new Int32Array(nRows) : new BigInt64Array(nRows);
    if (ptr instanceof Int32Array) for (let r = 0; r < nRows; r++) ptr[r] = this.nnz + indptr[r + 1];
    else for (let r = 0; r < nRows; r++) ptr[r] = BigInt(this.nnz + indptr[r + 1]);
    this.indptr.resize([this.rows + nRows + 1]);
    this.indptr.write_slice([[this.rows + 1, this.rows + nRows + 1]], ptr);
    this.nnz += n;
    this.rows += nRows;
  }

  finish(): void {
    this.group.create_attribute('shape', new BigInt64Array([BigInt(this.rows), BigInt(this.nCols)]));
  }
}

/** Writes the empty containers anndata expects (layers, obsm, ...) and the root encoding. */
export function writeRootSkeleton(root: WGroup, skip: string[] = []): void {
  root.create_attribute('encoding-type', 'anndata');
  root.create_attribute('encoding-version', '0.1.0');
  for (const k of ['layers', 'obsm', 'obsp', 'uns', 'varm', 'varp']) {
    if (skip.includes(k)) continue;
    enc(root.create_group(k), 'dict', '0.1.0');
  }
}

/**
 * HDF5 file-format bounds for files we write: h5wasm bundles HDF5 2.x, whose newest object
 * headers HDF5 1.10 readers (Debian's h5py, older anndata installs) cannot read.
 */
export const WRITE_LIBVER: ['earliest', 'v110'] = ['earliest', 'v110'];
