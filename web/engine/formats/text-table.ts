/**
 * Delimited count tables (.csv, .txt, .tsv, .tab, optionally .gz) as CellTypist 1.7.1 reads them
 * through scanpy: a header row of column names when its last field is not a number, row names
 * when the first field is not a number, '#' comment lines before the header; then
 * --transpose-input, CellTypist's gene-by-cell check, normalization by the pipeline.
 *
 * Streaming: pass 1 validates every value (line and column named on error) and counts nonzeros
 * per row and column. Cells in rows are then read by re-parsing lines chunk by chunk; cells in
 * columns (gene-by-cell tables) are re-ordered through a spill file by a second pass.
 */
import type { CsrChunk } from '../h5ad/read.ts';
import { CellTypistError } from '../types.ts';
import type { ByteSource } from './byte-source.ts';
import { BucketedCells, ChunkBuilder } from './cell-store.ts';
import { CountsReader } from './counts-reader.ts';
import { type Delimiter, fieldStrings, forEachField, isBlank, unquote } from './fields.ts';
import { LineReader, text } from './lines.ts';
import { isFloat, parseNumber } from './numbers.ts';
import { countsWarning, looksGeneByCell } from './orientation.ts';
import type { Spill } from './spill.ts';

export interface TableOptions {
  /** CellTypist's transpose_input: the table is genes × cells. */
  transpose_input?: boolean;
  /** Scratch storage for gene-by-cell tables (temporary file in Node). */
  spill: () => Spill | Promise<Spill>;
  /** Fraction of the file read, during the passes made when opening. */
  onProgress?: (fraction: number, message: string) => void;
}

/** The delimiter of a table by its name: ',' for .csv, blanks otherwise (scanpy's rule). */
export function delimiterOf(name: string): Delimiter {
  return /\.csv(\.gz)?$/i.test(name) ? 44 : null;
}

interface Layout {
  delim: Delimiter;
  /** Line number of the first data line. */
  firstData: number;
  colNames: string[] | null;
  lastComment: string | null;
  rowNames: boolean;
  nValues: number;
}

function badValue(src: ByteSource, line: number, col: number, field: string, why: string): CellTypistError {
  return new CellTypistError('bad_value', `${src.name}, line ${line.toLocaleString('en-US')}, column ${col.toLocaleString('en-US')}: '${field.slice(0, 40)}' ${why}. Count tables must hold one number ≥ 0 per gene and cell.`);
}

/** Header, comments and row-name layout from the first lines. */
function readLayout(lines: LineReader, delim: Delimiter): Layout {
  let colNames: string[] | null = null;
  let lastComment: string | null = null;
  for (let line = lines.next(); line; line = lines.next()) {
    if (isBlank(line)) continue;
    if (line[0] === 35 && colNames === null) {
      const c = text(line).replace(/^[#\s]+/, '');
      if (c) lastComment = c;
      continue;
    }
    const fields = fieldStrings(line, delim);
    if (colNames === null && !isFloat(fields[fields.length - 1])) {
      colNames = fields;
      continue;
    }
    const rowNames = !isFloat(fields[0]) || (colNames !== null && fields.length === colNames.length + 1);
    return { delim, firstData: lines.lineNo, colNames, lastComment, rowNames, nValues: fields.length - (rowNames ? 1 : 0) };
  }
  throw new CellTypistError('empty_file', `${lines.src.name} has no data rows${colNames ? ' (only a header line)' : ''}: is it the right file?`);
}

export async function readTextTable(src: ByteSource, options: TableOptions): Promise<CountsReader> {
  if (src.size === 0) throw new CellTypistError('empty_file', `${src.name} is empty (0 bytes): choose the file that holds the counts`);
  const lines = new LineReader(src);
  const layout = readLayout(lines, delimiterOf(src.name.replace(/\.gz$/i, '')));
  const pass1 = scan(lines, layout, options);
  const { rowNames, rowNnz, colNnz } = pass1;
  let colNames = layout.colNames ?? (layout.lastComment ? layout.lastComment.split(/\s+/) : Array.from({ length: layout.nValues }, (_, i) => String(i)));
  if (colNames.length > layout.nValues) colNames = colNames.slice(colNames.length - layout.nValues);
  if (colNames.length !== layout.nValues) {
    throw new CellTypistError('ragged_rows', `${src.name}: the header has ${colNames.length.toLocaleString('en-US')} column names but the rows have ${layout.nValues.toLocaleString('en-US')} values`);
  }
  const names = rowNames.length ? rowNames : Array.from({ length: rowNnz.length }, (_, i) => String(i));
  // obs × var as scanpy reads it, then CellTypist's transpose_input, integer check and gene-by-cell check.
  let cellsInRows = !options.transpose_input;
  const warnings: string[] = [];
  const w = countsWarning(cellsInRows ? pass1.maxFirstRows : pass1.maxFirstCols);
  if (w) warnings.push(w);
  const verdict = cellsInRows ? looksGeneByCell(names, colNames) : looksGeneByCell(colNames, names);
  if (verdict.transpose) {
    cellsInRows = !cellsInRows;
    warnings.push(`the table looks gene-by-cell (${verdict.reason}), so it is transposed to cell-by-gene, as CellTypist does.`);
  }
  const kind = /\.csv/i.test(src.name) ? 'CSV table' : 'text table';
  const format = {
    name: `${kind}${lines.gzip ? ' (gzip)' : ''}`,
    orientation: cellsInRows ? ('cells × genes' as const) : ('genes × cells' as const),
    files: [src.name],
    warnings,
  };
  if (cellsInRows) {
    return new CountsReader({ format, cells: names, genes: colNames, cellNnz: rowNnz, rows: rowStreamer(lines, layout, rowNnz, colNames.length), close: () => src.close() });
  }
  const store = new BucketedCells(colNnz, names.length, await options.spill());
  try {
    spillColumns(lines, layout, store, options);
  } catch (e) {
    store.close();
    throw e;
  }
  return new CountsReader({ format, cells: colNames, genes: names, cellNnz: colNnz, rows: (s, e) => store.readRows(s, e), close: () => (store.close(), src.close()) });
}

/** Data lines in order, with a row cursor: going back restarts from the top (gzip cannot seek). */
class DataLines {
  /** Index of the row next() returns. */
  row = 0;
  constructor(
    readonly lines: LineReader,
    private readonly layout: Layout,
  ) {
    this.rewind();
  }

  rewind(): void {
    this.lines.reset();
    while (this.lines.lineNo < this.layout.firstData - 1 && this.lines.next()) {}
    this.row = 0;
  }

  next(): Uint8Array | null {
    for (let line = this.lines.next(); line; line = this.lines.next()) {
      if (isBlank(line)) continue;
      this.row++;
      return line;
    }
    return null;
  }

  /** Positions the cursor so that next() returns row `row`. */
  seek(row: number): void {
    if (row < this.row) this.rewind();
    while (this.row < row && this.next()) {}
  }
}

/** Iterates the data lines from the start: fn(line, rowIndex). */
function eachDataLine(lines: LineReader, layout: Layout, fn: (line: Uint8Array, row: number) => void): void {
  const cursor = new DataLines(lines, layout);
  for (let line = cursor.next(); line; line = cursor.next()) fn(line, cursor.row - 1);
}

function scan(lines: LineReader, layout: Layout, options: TableOptions) {
  const src = lines.src;
  const rowNames: string[] = [];
  const rowCounts: number[] = [];
  const colNnz = new Int32Array(layout.nValues);
  let maxFirstRows = 0;
  let maxFirstCols = 0;
  let nextReport = 0;
  eachDataLine(lines, layout, (line, row) => {
    let nnz = 0;
    const lineNo = lines.lineNo;
    const n = forEachField(line, layout.delim, (s, e, i) => {
      if (layout.rowNames && i === 0) {
        rowNames.push(unquote(text(line.subarray(s, e))));
        return;
      }
      const j = i - (layout.rowNames ? 1 : 0);
      if (j >= layout.nValues) return;
      const v = parseNumber(line, s, e);
      if (v === undefined) throw badValue(src, lineNo, i + 1, text(line.subarray(s, e)), 'is not a number');
      if (v < 0) throw badValue(src, lineNo, i + 1, text(line.subarray(s, e)), 'is negative');
      if (Number.isNaN(v) || !Number.isFinite(v)) throw badValue(src, lineNo, i + 1, text(line.subarray(s, e)), 'is not a finite number');
      if (v !== 0) {
        nnz++;
        colNnz[j]++;
        if (row < 1000 && v > maxFirstRows) maxFirstRows = v;
        if (j < 1000 && v > maxFirstCols) maxFirstCols = v;
      }
    });
    const values = n - (layout.rowNames ? 1 : 0);
    if (values !== layout.nValues) {
      throw new CellTypistError(
        'ragged_rows',
        `${src.name}, line ${lineNo.toLocaleString('en-US')}: ${values.toLocaleString('en-US')} values where the first data row (line ${layout.firstData.toLocaleString('en-US')}) has ${layout.nValues.toLocaleString('en-US')}: every row must have one value per column`,
      );
    }
    rowCounts.push(nnz);
    if (options.onProgress && lines.offset >= nextReport) {
      options.onProgress(lines.offset / src.size, `checking ${src.name}: ${(row + 1).toLocaleString('en-US')} rows`);
      nextReport = lines.offset + src.size / 50;
    }
  });
  // Float32 as scanpy stores the table: the integer check sees float32 values.
  return { rowNames, rowNnz: Int32Array.from(rowCounts), colNnz, maxFirstRows: Math.fround(maxFirstRows), maxFirstCols: Math.fround(maxFirstCols) };
}

/** Rows of a cells-in-rows table, re-parsed chunk by chunk (restarting only when asked to go back). */
function rowStreamer(lines: LineReader, layout: Layout, rowNnz: Int32Array, nGenes: number) {
  const cursor = new DataLines(lines, layout);
  return (start: number, end: number): CsrChunk => {
    const out = new ChunkBuilder(rowNnz, start, end, nGenes);
    cursor.seek(start);
    for (let row = start; row < end; row++) {
      const line = cursor.next();
      if (!line) throw new CellTypistError('file_changed', `${lines.src.name} ended early while reading row ${row + 1}: was the file modified while it was being read?`);
      forEachField(line, layout.delim, (s, e, i) => {
        const j = i - (layout.rowNames ? 1 : 0);
        if (j < 0 || j >= nGenes) return;
        const v = parseNumber(line, s, e)!;
        if (v !== 0) out.add(row, j, v);
      });
    }
    return out.done();
  };
}

/** Pass 2 of a gene-by-cell table: every value into the cell-major spill. */
function spillColumns(lines: LineReader, layout: Layout, store: BucketedCells, options: TableOptions): void {
  const src = lines.src;
  let nextReport = 0;
  eachDataLine(lines, layout, (line, row) => {
    forEachField(line, layout.delim, (s, e, i) => {
      const j = i - (layout.rowNames ? 1 : 0);
      if (j < 0 || j >= layout.nValues) return;
      const v = parseNumber(line, s, e)!;
      if (v !== 0) store.add(j, row, v);
    });
    if (options.onProgress && lines.offset >= nextReport) {
      options.onProgress(lines.offset / src.size, `reordering ${src.name} by cell`);
      nextReport = lines.offset + src.size / 50;
    }
  });
  store.finish();
}
