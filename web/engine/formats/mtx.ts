/**
 * Matrix Market count matrices (.mtx, .mtx.gz) with their name files, as CellTypist 1.7.1 reads
 * them (scanpy read_mtx; cells in rows unless --transpose-input or its gene-by-cell check; gene
 * and cell files must match the matrix), and Cell Ranger folders (matrix.mtx.gz genes × cells,
 * features.tsv.gz or v2 genes.tsv, barcodes.tsv.gz; Gene Expression features only, as scanpy's
 * read_10x_mtx).
 *
 * Streaming: pass 1 validates every entry and counts nonzeros per cell. When the entries come
 * grouped by cell (Cell Ranger writes them so), chunks are parsed straight from the file;
 * otherwise a second pass re-orders them through a spill file (two-pass bucket sort).
 */
import type { CsrChunk } from '../h5ad/read.ts';
import { CellTypistError } from '../types.ts';
import type { ByteSource } from './byte-source.ts';
import { BucketedCells, ChunkBuilder } from './cell-store.ts';
import { CountsReader } from './counts-reader.ts';
import { forEachField, isBlank } from './fields.ts';
import { LineReader, text } from './lines.ts';
import { firstColumn, countMismatch, readNameTable } from './names.ts';
import { parseNumber } from './numbers.ts';
import { chooseIdentifier, countsWarning, looksGeneByCell } from './orientation.ts';
import type { InputFormat } from './reader.ts';
import type { Spill } from './spill.ts';

export interface MtxOptions {
  /** CellTypist's transpose_input (plain .mtx only). */
  transpose_input?: boolean;
  /** The model's genes, to pick Cell Ranger's gene IDs or symbols. */
  model_features?: string[];
  spill: () => Spill | Promise<Spill>;
  onProgress?: (fraction: number, message: string) => void;
}

export interface MtxFiles {
  matrix: ByteSource;
  genes: ByteSource;
  cells: ByteSource;
  /** A Cell Ranger folder ('v3': features.tsv, 'v2': genes.tsv): genes × cells, Gene Expression only. */
  cellranger?: 'v3' | 'v2';
}

interface Header {
  rows: number;
  cols: number;
  entries: number;
  pattern: boolean;
  symmetric: boolean;
  /** Line number of the size line. */
  sizeLine: number;
}

function readHeader(lines: LineReader): Header {
  const src = lines.src;
  const first = lines.next();
  const banner = first ? text(first).trim().toLowerCase().split(/\s+/) : [];
  if (banner[0] !== '%%matrixmarket' || banner[1] !== 'matrix') {
    throw new CellTypistError('bad_mtx', `${src.name} is not a Matrix Market file (its first line should start with '%%MatrixMarket matrix'): choose the .mtx file`);
  }
  if (banner[2] !== 'coordinate') throw new CellTypistError('bad_mtx', `${src.name} is a dense ('${banner[2]}') Matrix Market file; only sparse 'coordinate' files are read: save it with scipy.io.mmwrite from a sparse matrix`);
  const field = banner[3];
  if (!['integer', 'real', 'pattern', 'double'].includes(field)) throw new CellTypistError('bad_mtx', `${src.name} holds '${field}' values; counts must be integer or real`);
  const symmetry = banner[4] ?? 'general';
  if (symmetry !== 'general' && symmetry !== 'symmetric') throw new CellTypistError('bad_mtx', `${src.name} is '${symmetry}'; only 'general' (or 'symmetric') matrices are read`);
  for (let line = lines.next(); line; line = lines.next()) {
    if (isBlank(line) || line[0] === 37) continue;
    const dims = text(line).trim().split(/\s+/).map(Number);
    if (dims.length !== 3 || dims.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new CellTypistError('bad_mtx', `${src.name}, line ${lines.lineNo}: the size line should be 'rows columns entries', not '${text(line).slice(0, 60)}'`);
    }
    return { rows: dims[0], cols: dims[1], entries: dims[2], pattern: field === 'pattern', symmetric: symmetry === 'symmetric', sizeLine: lines.lineNo };
  }
  throw new CellTypistError('bad_mtx', `${src.name} ends before its size line: the file is truncated`);
}

/** Entry lines after the size line, parsed to (row, col, value), 0-based. */
class Entries {
  i = 0;
  j = 0;
  v = 0;
  /** Entries returned so far. */
  count = 0;
  private mirror = false;

  constructor(
    readonly lines: LineReader,
    private readonly h: Header,
  ) {
    this.rewind();
  }

  rewind(): void {
    this.lines.reset();
    while (this.lines.lineNo < this.h.sizeLine && this.lines.next()) {}
    this.count = 0;
    this.mirror = false;
  }

  /** Next entry into i, j, v; false at the end. Throws on malformed lines. */
  next(): boolean {
    if (this.mirror) {
      this.mirror = false;
      [this.i, this.j] = [this.j, this.i];
      return true;
    }
    for (let line = this.lines.next(); line; line = this.lines.next()) {
      if (isBlank(line) || line[0] === 37) continue;
      let bad = -1;
      const n = forEachField(line, null, (s, e, k) => {
        if (k > 2 || bad >= 0) return;
        const x = parseNumber(line, s, e);
        if (k < 2) {
          const dim = k === 0 ? this.h.rows : this.h.cols;
          if (x === undefined || !Number.isInteger(x) || x < 1 || x > dim) bad = k;
          else if (k === 0) this.i = x - 1;
          else this.j = x - 1;
        } else if (x === undefined || x < 0 || !Number.isFinite(x)) bad = k;
        else this.v = x;
      });
      if (bad >= 0 || n < (this.h.pattern ? 2 : 3)) this.fail(line, bad, n);
      if (this.h.pattern) this.v = 1;
      this.count++;
      if (this.h.symmetric && this.i !== this.j) this.mirror = true;
      return true;
    }
    return false;
  }

  private fail(line: Uint8Array, k: number, n: number): never {
    const where = `${this.lines.src.name}, line ${this.lines.lineNo.toLocaleString('en-US')}`;
    if (k < 0) throw new CellTypistError('bad_value', `${where}: '${text(line).slice(0, 60)}' has ${n} fields; each entry line should be 'row column value'`);
    const f: string[] = [];
    forEachField(line, null, (s, e) => f.push(text(line.subarray(s, e))));
    const what = k === 0 ? `a row number from 1 to ${this.h.rows.toLocaleString('en-US')}` : k === 1 ? `a column number from 1 to ${this.h.cols.toLocaleString('en-US')}` : 'a count ≥ 0';
    throw new CellTypistError('bad_value', `${where}, column ${k + 1}: '${f[k].slice(0, 40)}' is not ${what}`);
  }
}

export async function readMtx(files: MtxFiles, options: MtxOptions): Promise<CountsReader> {
  const src = files.matrix;
  if (src.size === 0) throw new CellTypistError('empty_file', `${src.name} is empty (0 bytes): choose the matrix file`);
  const lines = new LineReader(src);
  const h = readHeader(lines);
  const warnings: string[] = [];
  const geneRows = readNameTable(files.genes);
  const cellRows = readNameTable(files.cells);
  const cells = firstColumn(cellRows);
  // Which matrix dimension holds cells, and the gene names (with Cell Ranger's columns).
  let cellsInRows: boolean;
  if (files.cellranger) {
    cellsInRows = false;
    if (geneRows.length !== h.rows) throw countMismatch(files.genes.name, 'genes', geneRows.length, src.name, h.rows, ' (rows)');
    if (cells.length !== h.cols) throw countMismatch(files.cells.name, 'cells', cells.length, src.name, h.cols, ' (columns)');
  } else {
    cellsInRows = !options.transpose_input;
    const [nObs, nVar] = cellsInRows ? [h.rows, h.cols] : [h.cols, h.rows];
    const dim = (n: 'rows' | 'columns') => ` (${n}${options.transpose_input ? ', with --transpose-input' : ''})`;
    if (geneRows.length !== nVar) throw countMismatch(files.genes.name, 'genes', geneRows.length, src.name, nVar, dim(cellsInRows ? 'columns' : 'rows'));
    if (cells.length !== nObs) throw countMismatch(files.cells.name, 'cells', cells.length, src.name, nObs, dim(cellsInRows ? 'rows' : 'columns'));
  }
  const genesInfo = geneNames(geneRows, !!files.cellranger, options.model_features, warnings);
  if (!files.cellranger) {
    const v = looksGeneByCell(cells, genesInfo.genes);
    if (v.transpose) {
      // CellTypist transposes the matrix and its names together: the gene file then names the cells.
      throw new CellTypistError('looks_gene_by_cell', `${src.name} looks gene-by-cell (${v.reason}): CellTypist transposes it, so its gene and cell files would be swapped. Run again with ${options.transpose_input ? 'the gene and cell files swapped' : '--transpose-input'}.`);
    }
  }
  const keep = genesInfo.keep;
  const nCells = cellsInRows ? h.rows : h.cols;
  const pass1 = scanEntries(new Entries(lines, h), h, cellsInRows, keep, nCells, options);
  // CellTypist checks X[:1000] after --transpose-input: the first 1,000 cells.
  const w = countsWarning(pass1.maxFirstCells);
  if (w) warnings.push(w);
  const format: InputFormat = {
    name: files.cellranger ? `Cell Ranger ${files.cellranger} folder` : `Matrix Market${lines.gzip ? ' (gzip)' : ''}`,
    orientation: cellsInRows ? 'cells × genes' : 'genes × cells',
    files: [src.name, files.genes.name, files.cells.name],
    warnings,
  };
  const common = { format, cells, genes: genesInfo.genes, varColumns: genesInfo.columns, cellNnz: pass1.cellNnz };
  if (pass1.ordered) {
    return new CountsReader({ ...common, rows: entryStreamer(new Entries(lines, h), cellsInRows, keep, pass1.cellNnz, genesInfo.genes.length), close: () => src.close() });
  }
  const store = new BucketedCells(pass1.cellNnz, genesInfo.genes.length, await options.spill());
  try {
    const e = new Entries(lines, h);
    let next = 0;
    while (e.next()) {
      const [c, g] = cellsInRows ? [e.i, e.j] : [e.j, e.i];
      const gene = keep ? keep[g] : g;
      if (e.v !== 0 && gene >= 0) store.add(c, gene, e.v);
      if (options.onProgress && lines.offset >= next) {
        options.onProgress(lines.offset / src.size, `reordering ${src.name} by cell`);
        next = lines.offset + src.size / 50;
      }
    }
    store.finish();
  } catch (err) {
    store.close();
    throw err;
  }
  return new CountsReader({ ...common, rows: (s, e) => store.readRows(s, e), close: () => (store.close(), src.close()) });
}

/** Gene names from a gene file or Cell Ranger features: identifier, Gene Expression filter, columns. */
function geneNames(rows: string[][], cellranger: boolean, modelFeatures: string[] | undefined, warnings: string[]) {
  const tenx = cellranger || rows[0].length >= 2;
  if (!tenx) return { genes: firstColumn(rows), keep: null, columns: undefined };
  const hasTypes = rows[0].length >= 3;
  const keepRows = hasTypes ? rows.map((r) => r[2] === 'Gene Expression') : rows.map(() => true);
  const nOther = keepRows.filter((k) => !k).length;
  let keep: Int32Array | null = null;
  let kept = rows;
  if (nOther > 0) {
    keep = new Int32Array(rows.length).fill(-1);
    kept = [];
    rows.forEach((r, i) => {
      if (keepRows[i]) {
        keep![i] = kept.length;
        kept.push(r);
      }
    });
    const types = [...new Set(rows.filter((_, i) => !keepRows[i]).map((r) => r[2]))].join(', ');
    warnings.push(`${nOther.toLocaleString('en-US')} features that are not 'Gene Expression' (${types}) are left out, as scanpy's read_10x_mtx does.`);
  }
  const ids = kept.map((r) => r[0]);
  const symbols = kept.map((r) => r[1] ?? r[0]);
  const pick = chooseIdentifier(ids, symbols, modelFeatures);
  if (pick.note) warnings.push(pick.note);
  const columns: Record<string, string[]> = { gene_ids: ids, gene_symbols: symbols };
  if (hasTypes) columns.feature_types = kept.map((r) => r[2]);
  return { genes: pick.use === 'id' ? ids : symbols, keep, columns };
}

function scanEntries(e: Entries, h: Header, cellsInRows: boolean, keep: Int32Array | null, nCells: number, options: MtxOptions) {
  const src = e.lines.src;
  const cellNnz = new Int32Array(nCells);
  let ordered = true;
  let last = 0;
  let maxFirstCells = 0;
  let next = 0;
  while (e.next()) {
    const [c, g] = cellsInRows ? [e.i, e.j] : [e.j, e.i];
    if (c < last) ordered = false;
    last = c;
    if (e.v === 0 || (keep && keep[g] < 0)) continue;
    cellNnz[c]++;
    if (c < 1000 && e.v > maxFirstCells) maxFirstCells = e.v;
    if (options.onProgress && e.lines.offset >= next) {
      options.onProgress(e.lines.offset / src.size, `checking ${src.name}: ${e.count.toLocaleString('en-US')} entries`);
      next = e.lines.offset + src.size / 50;
    }
  }
  if (e.count !== h.entries) {
    throw new CellTypistError(
      'bad_mtx',
      `${src.name} declares ${h.entries.toLocaleString('en-US')} entries on its size line but holds ${e.count.toLocaleString('en-US')}: the file is ${e.count < h.entries ? 'truncated' : 'inconsistent'}; write it again`,
    );
  }
  return { cellNnz, ordered, maxFirstCells: Math.fround(maxFirstCells) };
}

/** Chunks of a matrix whose entries come grouped by cell, parsed in place. */
function entryStreamer(e: Entries, cellsInRows: boolean, keep: Int32Array | null, cellNnz: Int32Array, nGenes: number) {
  let done = 0; // cells before this one are consumed
  let pending = false;
  return (start: number, end: number): CsrChunk => {
    const out = new ChunkBuilder(cellNnz, start, end, nGenes);
    if (start < done) {
      e.rewind();
      pending = false;
    }
    for (;;) {
      if (!pending && !e.next()) break;
      pending = false;
      const [c, g] = cellsInRows ? [e.i, e.j] : [e.j, e.i];
      if (c >= end) {
        pending = true;
        break;
      }
      const gene = keep ? keep[g] : g;
      if (c >= start && e.v !== 0 && gene >= 0) out.add(c, gene, e.v);
    }
    done = end;
    return out.done();
  };
}
