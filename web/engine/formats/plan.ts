/**
 * Which reader an input needs, from file names alone (shared by the CLI and the app): one .h5ad
 * or .h5 file, one text table, a .mtx with its gene and cell files, or a Cell Ranger folder's
 * three files (matrix.mtx[.gz], features.tsv[.gz] or v2 genes.tsv, barcodes.tsv[.gz]).
 */
import { CellTypistError } from '../types.ts';

export type InputPlan<F> =
  | { kind: 'hdf5'; file: F }
  | { kind: 'table'; file: F }
  | { kind: 'mtx'; matrix: F; genes: F; cells: F; cellranger?: 'v3' | 'v2' };

const base = (name: string) => name.replace(/^.*[\\/]/, '');
const TABLE = /\.(csv|txt|tsv|tab)(\.gz)?$/i;
const MTX = /\.mtx(\.gz)?$/i;
const HDF5 = /\.(h5ad|h5|hdf5)$/i;

export const SUPPORTED =
  'an .h5ad file, a Cell Ranger .h5 or folder (matrix.mtx.gz + features.tsv.gz + barcodes.tsv.gz), a count table (.csv, .tsv, .txt, .tab, optionally .gz) or a .mtx with its gene and cell files';

/** The Cell Ranger trio among some files, if present. */
function cellRanger<F extends { name: string }>(files: F[]): InputPlan<F> | null {
  const find = (re: RegExp) => files.find((f) => re.test(base(f.name)));
  const matrix = find(/^matrix\.mtx(\.gz)?$/i);
  const barcodes = find(/^barcodes\.tsv(\.gz)?$/i);
  const features = find(/^features\.tsv(\.gz)?$/i);
  const genes = find(/^genes\.tsv(\.gz)?$/i);
  if (!matrix || !barcodes || !(features || genes)) return null;
  return { kind: 'mtx', matrix, genes: (features ?? genes)!, cells: barcodes, cellranger: features ? 'v3' : 'v2' };
}

/**
 * Plans how to read `files` (one input, or the files of one dataset). `geneFile`/`cellFile` are
 * CellTypist's --gene-file/--cell-file for a .mtx.
 */
export function planInput<F extends { name: string }>(files: F[], named: { geneFile?: F; cellFile?: F } = {}): InputPlan<F> {
  if (files.length === 0) throw new CellTypistError('no_input', `no input file: give ${SUPPORTED}`);
  const mtx = files.filter((f) => MTX.test(f.name));
  if (mtx.length === 1 && named.geneFile && named.cellFile) return { kind: 'mtx', matrix: mtx[0], genes: named.geneFile, cells: named.cellFile };
  if (mtx.length === 1 && (named.geneFile || named.cellFile)) {
    throw new CellTypistError('missing_names', `a .mtx needs both a gene file and a cell file (one name per line); only the ${named.geneFile ? 'gene' : 'cell'} file was given`);
  }
  const tenx = cellRanger(files);
  if (tenx) return tenx;
  if (mtx.length === 1) {
    const others = files.filter((f) => f !== mtx[0] && TABLE.test(f.name));
    const isGenes = (f: F) => /gene|feature|var/i.test(base(f.name));
    const isCells = (f: F) => /cell|barcode|obs/i.test(base(f.name));
    const genes = others.find((f) => isGenes(f) && !isCells(f));
    const cells = others.find((f) => isCells(f) && !isGenes(f));
    if (genes && cells) return { kind: 'mtx', matrix: mtx[0], genes, cells };
    throw new CellTypistError(
      'missing_names',
      `${base(mtx[0].name)} is a Matrix Market file: it needs a gene file and a cell file (one name per line, in matrix order; CLI: --gene-file, --cell-file; app: drop the three files together), or the Cell Ranger names matrix.mtx.gz, features.tsv.gz and barcodes.tsv.gz in one folder`,
    );
  }
  const data = files.filter((f) => HDF5.test(f.name) || TABLE.test(f.name));
  if (data.length > 1) {
    throw new CellTypistError('several_inputs', `several data files were given (${data.slice(0, 4).map((f) => base(f.name)).join(', ')}): annotate one at a time, or give a Cell Ranger folder or a .mtx with its gene and cell files`);
  }
  const f = data[0] ?? (files.length === 1 ? files[0] : undefined);
  if (!f) throw new CellTypistError('unsupported_input', `no data file among ${files.slice(0, 4).map((x) => base(x.name)).join(', ')}: give ${SUPPORTED}`);
  if (TABLE.test(f.name)) return { kind: 'table', file: f };
  // .h5ad/.h5, or an unknown extension: opened as HDF5, whose signature check says what it is.
  return { kind: 'hdf5', file: f };
}
