/**
 * One gene's expression in every cell, for colouring the embedding by it: the gene is found by
 * its var name or its symbol (a symbol column such as feature_name), and only its column is read,
 * in row chunks (CSR: each chunk's nonzeros scanned for the column, nothing kept but the values;
 * CSC and dense files: the column itself, through the dotplot's column streamer).
 */
import { findSymbolColumn } from '../genes/identifiers.ts';
import type { H5adReader, MatrixSource } from '../h5ad/read.ts';
import { CellTypistError } from '../types.ts';
import { streamGeneColumns } from './gene-columns.ts';

/** The names a gene can be asked by: the var index and, when the file has one, a symbol column. */
export interface GeneNames {
  names: string[];
  symbols: string[] | null;
  symbol_column: string | null;
}

export function geneNamesOf(reader: H5adReader, source: MatrixSource = 'X'): GeneNames {
  const names = reader.varNames(source);
  const column = findSymbolColumn(reader.varColumns(source)) ?? null;
  const symbols = column ? reader.varNames(source, column) : null;
  return { names, symbols, symbol_column: column };
}

/**
 * The var column of `query`: an exact var name, else an exact symbol, else the one name or
 * symbol equal to it ignoring case. Not found: a message naming near matches.
 */
export function findGene(g: GeneNames, query: string): { column: number; name: string } {
  const q = query.trim();
  if (!q) throw new CellTypistError('no_gene', 'type a gene name or symbol to colour by');
  let i = g.names.indexOf(q);
  if (i >= 0) return { column: i, name: g.symbols?.[i] || q };
  i = g.symbols ? g.symbols.indexOf(q) : -1;
  if (i >= 0) return { column: i, name: q };
  const lower = q.toLowerCase();
  const hits = new Set<number>();
  const near: string[] = [];
  for (const list of [g.names, g.symbols ?? []]) {
    list.forEach((s, k) => {
      const l = s.toLowerCase();
      if (l === lower) hits.add(k);
      else if (near.length < 5 && l.startsWith(lower)) near.push(s);
    });
  }
  if (hits.size === 1) {
    const k = [...hits][0];
    return { column: k, name: g.symbols?.[k] || g.names[k] };
  }
  const hint = hits.size > 1 ? ` (${hits.size} genes match it ignoring case: type the exact name)` : near.length ? ` (did you mean ${near.join(', ')}?)` : '';
  throw new CellTypistError('no_gene', `'${q}' is not a gene of this file${hint}; var names${g.symbol_column ? ` and var['${g.symbol_column}']` : ''} are searched`);
}

export interface GeneValues {
  /** The symbol when the file has one for the gene, else its var name. */
  gene: string;
  column: number;
  source: MatrixSource;
  /** One value per cell (0 where the file stores none), from cell `first` on. */
  values: Float32Array;
  first: number;
  n_nonzero: number;
}

export interface GeneValuesOptions {
  source?: MatrixSource;
  /** Names looked up before (saves reading var again). */
  names?: GeneNames;
  chunk_rows?: number;
  /**
   * Only cells [first, end) of a CSR matrix (values then holds end - first cells), so that
   * workers can share one gene's read; other encodings read every cell.
   */
  rows?: [number, number];
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/** CSR rows [first, last): each chunk's nonzeros scanned for one column (the values never leave the chunk); values[0] is row `first`. */
function readCsrColumn(reader: H5adReader, source: MatrixSource, column: number, [first, last]: [number, number], values: Float32Array, o: GeneValuesOptions): number {
  let nnz = 0;
  for (let start = first; start < last; ) {
    if (o.signal?.aborted) throw new CellTypistError('cancelled', 'cancelled');
    const end = Math.min(last, reader.chunkEnd(source, start, o.chunk_rows ?? 8192, 1 << 22));
    const { indptr, indices, data } = reader.readRowsView(source, start, end);
    // indexOf finds the column's entries ~2x faster than a loop (native); a hit's row is found by
    // walking the row pointers forward. Duplicate entries of a column (a non-canonical matrix)
    // add up, as scipy reads them.
    for (let k = indices.indexOf(column), r = 0; k >= 0; k = indices.indexOf(column, k + 1)) {
      while (indptr[r + 1] <= k) r++;
      values[start - first + r] += data[k];
    }
    for (let r = start - first; r < end - first; r++) if (values[r] !== 0) nnz++;
    start = end;
    o.onProgress?.((start - first) / (last - first));
  }
  return nnz;
}

/** Reads the values of gene `query` (name or symbol) for every cell (or `o.rows` of a CSR matrix). */
export function readGeneValues(reader: H5adReader, query: string, o: GeneValuesOptions = {}): GeneValues {
  const source = o.source ?? 'X';
  const names = o.names ?? geneNamesOf(reader, source);
  const { column, name } = findGene(names, query);
  const m = reader.matrix(source);
  if (m.encoding === 'csr') {
    const rows: [number, number] = o.rows ? [Math.max(0, o.rows[0]), Math.min(m.n_rows, o.rows[1])] : [0, m.n_rows];
    const values = new Float32Array(Math.max(0, rows[1] - rows[0]));
    const nnz = readCsrColumn(reader, source, column, rows, values, o);
    return { gene: name, column, source, values, n_nonzero: nnz, first: rows[0] };
  }
  const values = new Float32Array(m.n_rows);
  streamGeneColumns(reader, [column], (cell, _slot, v) => (values[cell] += v), { source, chunk_rows: o.chunk_rows, signal: o.signal, onProgress: o.onProgress });
  let nnz = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) nnz++;
  return { gene: name, column, source, values, n_nonzero: nnz, first: 0 };
}

/**
 * Share i of k of a gene's cells, for workers that split one gene's read: equal ranges of cells
 * of a CSR matrix; any other encoding is read whole by share 0 (the others get no cells).
 */
export function readGeneShare(reader: H5adReader, query: string, [i, k]: [number, number], o: GeneValuesOptions = {}): GeneValues {
  const { encoding, n_rows: n } = reader.matrix(o.source ?? 'X');
  const rows: [number, number] = encoding === 'csr' ? [Math.floor((i * n) / k), Math.floor(((i + 1) * n) / k)] : i === 0 ? [0, n] : [n, n];
  if (rows[0] < rows[1]) return readGeneValues(reader, query, { ...o, rows });
  const { column, name } = findGene(o.names ?? geneNamesOf(reader, o.source), query);
  return { gene: name, column, source: o.source ?? 'X', values: new Float32Array(0), first: rows[0], n_nonzero: 0 };
}
