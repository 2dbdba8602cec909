/**
 * Opens any supported input in Node: a path to a file or a Cell Ranger folder (or its outs/
 * folder), plus CellTypist's --gene-file/--cell-file/--transpose-input. Text readers get a
 * temporary-file spill for gene-major matrices.
 */
import { h5wasmNode } from '../h5ad/h5wasm-node.ts';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { openH5adPath } from '../h5ad/open-node.ts';
import { checkHdf5Signature } from '../h5ad/signature.ts';
import { CellTypistError } from '../types.ts';
import { pathByteSource } from './byte-source-node.ts';
import { readerOfHdf5 } from './hdf5.ts';
import { readMtx } from './mtx.ts';
import { planInput } from './plan.ts';
import type { MatrixReader } from './reader.ts';
import { fileSpill } from './spill-node.ts';
import { readTextTable } from './text-table.ts';

export interface InputOptions {
  /** CellTypist's --transpose-input: the table or .mtx is genes × cells. */
  transpose_input?: boolean;
  /** CellTypist's --gene-file / --cell-file for a .mtx. */
  gene_file?: string;
  cell_file?: string;
  /** The model's genes: Cell Ranger inputs use gene IDs or symbols, whichever matches. */
  model_features?: string[];
  /** Progress of the checking passes over text inputs. */
  onProgress?: (fraction: number, message: string) => void;
}

interface PathFile {
  name: string;
}

function folderFiles(dir: string): PathFile[] {
  const list = readdirSync(dir).map((n) => ({ name: path.join(dir, n) }));
  // Cell Ranger's outs/ folder: look inside filtered_feature_bc_matrix/.
  const inner = path.join(dir, 'filtered_feature_bc_matrix');
  if (!list.some((f) => /matrix\.mtx/.test(f.name)) && existsSync(inner)) return folderFiles(inner);
  return list;
}

async function openHdf5(file: string, modelFeatures?: string[]): Promise<MatrixReader> {
  if (/\.h5ad$/i.test(file)) return openH5adPath(file);
  const src = pathByteSource(file);
  const head = src.read(0, 4096);
  src.close();
  checkHdf5Signature(head, src.size, file);
  const h5wasm = (await h5wasmNode()).default;
  let h5;
  try {
    h5 = new h5wasm.File(file, 'r');
  } catch (e) {
    throw new CellTypistError('corrupt_h5ad', `'${file}' could not be opened as HDF5 (${(e as Error).message}): the file is probably truncated or corrupt`);
  }
  try {
    return readerOfHdf5(h5 as never, path.basename(file), modelFeatures);
  } catch (e) {
    h5.close();
    throw e;
  }
}

export async function openInputPath(input: string, options: InputOptions = {}): Promise<MatrixReader> {
  if (!existsSync(input)) throw new CellTypistError('not_found', `cannot read '${input}': no such file or folder`);
  const isDir = statSync(input).isDirectory();
  let files: PathFile[] = isDir ? folderFiles(input) : [{ name: input }];
  // A lone matrix.mtx.gz of a Cell Ranger folder: its siblings complete it.
  if (!isDir && /\.mtx(\.gz)?$/i.test(input) && !options.gene_file && !options.cell_file) {
    const siblings = folderFiles(path.dirname(input) || '.').filter((f) => /^(features|genes|barcodes)\.tsv(\.gz)?$/i.test(path.basename(f.name)));
    files = [...files, ...siblings];
  }
  if (isDir && !files.some((f) => /^matrix\.mtx(\.gz)?$/i.test(path.basename(f.name)))) {
    throw new CellTypistError('not_cellranger', `the folder '${input}' is not a Cell Ranger output: it should hold matrix.mtx.gz, features.tsv.gz (or genes.tsv) and barcodes.tsv.gz`);
  }
  const plan = planInput(files, { geneFile: options.gene_file ? { name: options.gene_file } : undefined, cellFile: options.cell_file ? { name: options.cell_file } : undefined });
  const spill = () => fileSpill();
  if (plan.kind === 'hdf5') return openHdf5(plan.file.name, options.model_features);
  if (plan.kind === 'table') return readTextTable(pathByteSource(plan.file.name), { transpose_input: options.transpose_input, spill, onProgress: options.onProgress });
  return readMtx(
    { matrix: pathByteSource(plan.matrix.name), genes: pathByteSource(plan.genes.name), cells: pathByteSource(plan.cells.name), cellranger: plan.cellranger },
    { transpose_input: options.transpose_input, model_features: options.model_features, spill, onProgress: options.onProgress },
  );
}
