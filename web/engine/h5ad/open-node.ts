/** Opens an h5ad file from disk in Node (h5wasm's Node build reads real paths lazily). */
import { h5wasmNode } from './h5wasm-node.ts';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { CellTypistError } from '../types.ts';
import { H5adReader, type H5File, type H5Raw } from './read.ts';
import { checkHdf5Signature } from './signature.ts';

export async function openH5adPath(path: string): Promise<H5adReader> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new CellTypistError('not_found', `cannot read '${path}': no such file`);
  }
  const head = new Uint8Array(Math.min(size, 4096));
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  checkHdf5Signature(head, size, path);
  const h5 = await h5wasmNode();
  const h5wasm = h5.default;
  let file: H5File;
  try {
    file = new h5wasm.File(path, 'r') as unknown as H5File;
  } catch (e) {
    throw new CellTypistError('corrupt_h5ad', `'${path}' could not be opened as HDF5 (${(e as Error).message}): the file is probably truncated or corrupt; download or export it again`);
  }
  try {
    return new H5adReader(file, h5.Module as unknown as H5Raw);
  } catch (e) {
    file.close();
    if (e instanceof CellTypistError) throw e;
    throw new CellTypistError('corrupt_h5ad', `'${path}' is damaged: ${(e as Error).message}. The file is probably truncated or corrupt; export it again.`);
  }
}
