/**
 * The MatrixReader shared by the count formats (text tables, Matrix Market, Cell Ranger): names
 * and per-cell nonzero counts from the format's first pass, rows from a format-specific source.
 * The summary has the shape of an h5ad summary (X = the counts, no raw, no obs columns).
 */
import type { CsrChunk, H5adSummary, MatrixInfo, MatrixSource } from '../h5ad/read.ts';
import { CellTypistError } from '../types.ts';
import { chunkEndByCounts } from './cell-store.ts';
import type { InputFormat, MatrixReader } from './reader.ts';

export interface CountsParts {
  format: InputFormat;
  cells: string[];
  genes: string[];
  /** Other gene annotations (e.g. Cell Ranger's gene_ids / gene_symbols / feature_types). */
  varColumns?: Record<string, string[]>;
  cellNnz: Int32Array;
  /** Rows [start, end) as CSR (sequential calls are cheapest). */
  rows: (start: number, end: number) => CsrChunk;
  close?: () => void;
}

export class CountsReader implements MatrixReader {
  readonly summary: H5adSummary & { format: InputFormat };
  readonly format: InputFormat;

  constructor(private readonly parts: CountsParts) {
    const { cells, genes } = parts;
    if (cells.length === 0) throw new CellTypistError('no_cells', `${parts.format.files[0]} has no cells: nothing to annotate`);
    if (genes.length === 0) throw new CellTypistError('no_genes', `${parts.format.files[0]} has no genes: nothing to annotate`);
    this.format = parts.format;
    const x: MatrixInfo = { path: parts.format.files[0], encoding: 'csr', n_rows: cells.length, n_cols: genes.length, dtype: 'float32' };
    this.summary = {
      n_obs: cells.length,
      n_vars: genes.length,
      encoding: 'current',
      x,
      raw: null,
      var_columns: Object.keys(parts.varColumns ?? {}),
      obs_columns: [],
      obsm: [],
      has_graph: false,
      format: parts.format,
    };
  }

  matrix(source: MatrixSource): MatrixInfo {
    if (source !== 'X') throw new CellTypistError('no_raw', `${this.format.name} inputs have no raw layer`);
    return this.summary.x;
  }

  chunkEnd(_source: MatrixSource, start: number, maxRows: number, nnzBudget: number): number {
    return chunkEndByCounts(this.parts.cellNnz, start, maxRows, nnzBudget);
  }

  readRows(_source: MatrixSource, start: number, end: number): CsrChunk {
    return this.parts.rows(start, Math.min(end, this.summary.n_obs));
  }

  obsNames(): string[] {
    return this.parts.cells;
  }

  varNames(_source: MatrixSource = 'X', column?: string): string[] {
    if (!column) return this.parts.genes;
    const c = this.parts.varColumns?.[column];
    if (!c) {
      const cols = Object.keys(this.parts.varColumns ?? {});
      throw new CellTypistError('no_column', `${this.format.name} inputs have no gene column '${column}'${cols.length ? ` (columns: ${cols.join(', ')})` : ': gene names come from the file itself'}`);
    }
    return c;
  }

  varColumns(): string[] {
    return Object.keys(this.parts.varColumns ?? {});
  }

  readObsColumn(name: string): string[] | Float64Array {
    throw new CellTypistError('no_column', `${this.format.name} inputs have no cell annotations, so there is no column '${name}' (majority voting clusters automatically without --over-clustering)`);
  }

  highlyVariableGenes(): number[] | null {
    return null;
  }

  readGraph(): null {
    return null;
  }

  readObsm(name: string): { dims: number; data: Float32Array } {
    throw new CellTypistError('no_embedding', `${this.format.name} inputs have no embeddings (no '${name}')`);
  }

  close(): void {
    this.parts.close?.();
  }
}
