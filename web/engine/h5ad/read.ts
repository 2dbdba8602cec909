/**
 * Reads AnnData `.h5ad` files through h5wasm without loading the matrix: rows are read in
 * chunks by hyperslab. Handles the current encoding (anndata >= 0.8, `encoding-type` attrs) and
 * the old one (compound `obs`/`var` datasets, `raw.X`, `uns/<col>_categories`), X as CSR, CSC or
 * dense, float or integer.
 *
 * The h5wasm `File` is opened by the caller (Node: a real path via h5wasm/node; browser worker:
 * a WORKERFS-mounted File, see open-browser.ts), so this module has no platform code. It is the
 * reader's face; the work is done by concern: the matrix (matrix.ts, to-csr.ts), the dataframes
 * (dataframe.ts), obsm and the neighbour graph (obsm.ts), over the file's objects (h5-objects.ts)
 * and their values (h5-values.ts).
 */
import { CellTypistError } from '../types.ts';
import { type ObsColumn, dataframeColumns, dataframeIndex, obsCategories, readColumn } from './dataframe.ts';
import { DATASET, type H5File, H5Paths, type H5Raw } from './h5-objects.ts';
import type { CsrChunk, MatrixInfo, MatrixSource } from './matrix-types.ts';
import { MatrixReads, matrixInfo } from './matrix.ts';
import { graphPath, obsmKeys, readGraph, readObsm } from './obsm.ts';

// The reader's types, importable from here as they always were.
export type { H5Attr, H5Dataset, H5File, H5Group, H5Node, H5Raw } from './h5-objects.ts';
export type { CsrChunk, MatrixInfo, MatrixSource } from './matrix-types.ts';
export type { ObsColumn } from './dataframe.ts';

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

/** Reader over one open h5ad file. Call close() when done. */
export class H5adReader {
  readonly summary: H5adSummary;
  private readonly legacy: boolean;
  private readonly paths: H5Paths;
  private readonly reads: MatrixReads;
  private obsIndex?: string[];

  constructor(
    private readonly file: H5File,
    h5?: H5Raw,
  ) {
    this.paths = new H5Paths(file);
    this.reads = new MatrixReads(this.paths, h5);
    const keys = new Set(file.keys());
    if (!keys.has('X')) {
      const what = keys.size ? `it holds ${[...keys].slice(0, 6).join(', ')}` : 'it holds nothing readable: it is empty, truncated or corrupt';
      throw new CellTypistError('not_anndata', `this HDF5 file is not an AnnData .h5ad file (no 'X' matrix; ${what}). Export your data with anndata's write_h5ad().`);
    }
    const obs = file.get('obs');
    this.legacy = !!obs && obs.type === DATASET;
    const x = this.matrixInfo('X');
    const rawPath = keys.has('raw') ? 'raw/X' : keys.has('raw.X') ? 'raw.X' : null;
    const raw = rawPath && this.paths.exists(rawPath) ? this.matrixInfo(rawPath) : null;
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
      var_columns: dataframeColumns(this.paths, 'var').map((c) => c.name),
      obs_columns: dataframeColumns(this.paths, 'obs'),
      obsm: this.obsmKeys(),
      has_graph: graphPath(this.paths) !== null,
    };
  }

  close(): void {
    this.reads.free();
    this.file.close();
  }

  /** Encoding, shape and dtype of a matrix (X or raw/X). */
  matrixInfo(path: string): MatrixInfo {
    return matrixInfo(this.paths, path);
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
    return this.reads.chunkEnd(this.matrix(source), start, maxRows, nnzBudget);
  }

  /** Reads rows [start, end) of X or raw/X as CSR. */
  readRows(source: MatrixSource, start: number, end: number): CsrChunk {
    return this.reads.readRows(this.matrix(source), start, end);
  }

  /**
   * readRows, but the arrays may be views of a buffer reused by the next read (copy them before
   * reading again): one copy less for callers that copy anyway, e.g. into the wasm core.
   */
  readRowsView(source: MatrixSource, start: number, end: number): CsrChunk {
    return this.reads.readRowsView(this.matrix(source), start, end);
  }

  /**
   * The values of rows [start, end) and their chunk-relative row pointers, without the column
   * indices (the input check needs no more): half the reading of readRowsView, views as there.
   */
  readRowValues(source: MatrixSource, start: number, end: number): Pick<CsrChunk, 'n_rows' | 'n_cols' | 'data' | 'indptr'> {
    return this.reads.readRowValues(this.matrix(source), start, end);
  }

  /**
   * Rows [start, end) of a CSR matrix of float32 values and int32 indices read straight into
   * caller memory: `into(nnz)` returns the destinations of the values and the indices (nnz * 4
   * bytes each). Returns the chunk-relative row pointers, or null when this read does not apply
   * (h5wasm, another encoding or element type): use readRowsView then.
   */
  readRowsInto(source: MatrixSource, start: number, end: number, into: (nnz: number) => { data: Uint8Array; indices: Uint8Array }): Int32Array | null {
    return this.reads.readRowsInto(this.matrix(source), start, end, into);
  }

  /** Starts reading rows [start, end) ahead for a readRowsInto of them (undefined: the file cannot). */
  prefetchRows(source: MatrixSource, start: number, end: number): Promise<void> | undefined {
    return this.reads.prefetchRows(this.matrix(source), start, end);
  }

  /** Elements [lo, hi) of 'data', 'indices' or 'indptr' of a sparse X or raw/X, as stored (reads by column of CSC). */
  readSparsePart(source: MatrixSource, part: 'data' | 'indices' | 'indptr', lo: number, hi: number): ArrayLike<number> {
    return this.reads.readSparsePart(this.matrix(source), part, lo, hi);
  }

  /** Rows [start, end) of columns [colStart, colEnd) of a dense X or raw/X, row-major, as stored. */
  readDenseBlock(source: MatrixSource, start: number, end: number, colStart: number, colEnd: number): ArrayLike<number> {
    return this.reads.readDenseBlock(this.matrix(source), start, end, colStart, colEnd);
  }

  /** Path of the dataframe of genes of a matrix source. */
  private varPath(source: MatrixSource): string {
    if (source === 'X') return 'var';
    return this.paths.exists('raw/var') ? 'raw/var' : 'raw.var';
  }

  /** Gene names of X or raw: the var index, or a chosen var column. */
  varNames(source: MatrixSource = 'X', column?: string): string[] {
    const path = this.varPath(source);
    const names = column ? readColumn(this.paths, path, column) : dataframeIndex(this.paths, path);
    if (!Array.isArray(names)) throw new CellTypistError('bad_gene_column', `var column '${column}' is numeric, not gene names`);
    return names;
  }

  /** Columns of var (of X or raw). */
  varColumns(source: MatrixSource = 'X'): string[] {
    return dataframeColumns(this.paths, this.varPath(source)).map((c) => c.name);
  }

  /** Cell names (read once: 20k names take ~40 ms through h5wasm). Callers must not modify them. */
  obsNames(): string[] {
    this.obsIndex ??= dataframeIndex(this.paths, 'obs');
    return this.obsIndex;
  }

  /** An obs column: strings for categorical/string columns, numbers otherwise. */
  readObsColumn(name: string): string[] | Float64Array {
    return readColumn(this.paths, 'obs', name);
  }

  /**
   * The categories of a categorical obs column, in their stored order (pandas' category order),
   * or null when the column is not categorical. Plots order groups by them.
   */
  obsCategories(name: string): string[] | null {
    return obsCategories(this.paths, name);
  }

  /** obsm keys with their number of dimensions. */
  obsmKeys(): { name: string; dims: number }[] {
    return obsmKeys(this.paths);
  }

  /**
   * The neighbour graph scanpy stores (obsp/connectivities, or uns/neighbors/connectivities in
   * old files) as CSR, or null when the file has none. A symmetric graph stored as CSC is the
   * same matrix, so CSC is accepted too.
   */
  readGraph(): { n: number; indptr: Int32Array; indices: Int32Array; weights: Float64Array } | null {
    return readGraph(this.paths, this.summary.n_obs);
  }

  /** Indices of genes flagged in var['highly_variable'] (of X or raw), or null when absent. */
  highlyVariableGenes(source: MatrixSource = 'X'): number[] | null {
    const path = this.varPath(source);
    if (!dataframeColumns(this.paths, path).some((c) => c.name === 'highly_variable')) return null;
    const col = readColumn(this.paths, path, 'highly_variable');
    const out: number[] = [];
    const values = Array.isArray(col) ? col.map((v) => v === 'True' || v === 'true' || v === '1') : Array.from(col, (v) => v !== 0);
    values.forEach((v, i) => v && out.push(i));
    return out;
  }

  /** An embedding as row-major float32 (n_obs × dims). */
  readObsm(name: string): { dims: number; data: Float32Array } {
    return readObsm(this.paths, name);
  }
}
