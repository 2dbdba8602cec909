/**
 * Name files beside a matrix: CellTypist's --gene-file/--cell-file (pandas read_csv(header=None),
 * first column), Cell Ranger's features.tsv / genes.tsv (id, name, feature type) and
 * barcodes.tsv. Any of them may be gzip-compressed. Tab-separated lines are split on tabs,
 * others on commas, as pandas does; surrounding quotes are removed.
 */
import { CellTypistError } from '../types.ts';
import type { ByteSource } from './byte-source.ts';
import { fieldStrings, isBlank } from './fields.ts';
import { LineReader } from './lines.ts';

/** One array of fields per non-blank line. */
export function readNameTable(src: ByteSource): string[][] {
  if (src.size === 0) throw new CellTypistError('empty_file', `${src.name} is empty (0 bytes): it should hold one name per line`);
  const lines = new LineReader(src);
  const out: string[][] = [];
  let delim: number | undefined;
  for (let line = lines.next(); line; line = lines.next()) {
    if (isBlank(line)) continue;
    delim ??= line.includes(9) ? 9 : 44;
    out.push(fieldStrings(line, delim));
  }
  src.close();
  if (out.length === 0) throw new CellTypistError('empty_file', `${src.name} has no names (only blank lines)`);
  return out;
}

/** The first field of each line (CellTypist's gene/cell files, barcodes). */
export function firstColumn(rows: string[][]): string[] {
  return rows.map((r) => r[0]);
}

/** Says that a name file and the matrix disagree, with both counts. */
export function countMismatch(file: string, what: 'genes' | 'cells', nFile: number, matrix: string, nMatrix: number, extra = ''): CellTypistError {
  return new CellTypistError(
    'name_count',
    `${file} has ${nFile.toLocaleString('en-US')} ${what} (lines) but ${matrix} has ${nMatrix.toLocaleString('en-US')} ${what}${extra}: give the ${what === 'genes' ? 'gene' : 'cell'} file written with this matrix`,
  );
}
