/**
 * Opens an h5ad file from disk in Node: with the direct HDF5 reader (direct/) when it reads the
 * file, else with h5wasm's Node build (which reads real paths lazily).
 */
import { h5wasmNode } from './h5wasm-node.ts';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { CellTypistError } from '../types.ts';
import { H5adReader, type H5File, type H5Raw } from './read.ts';
import { checkHdf5Signature } from './signature.ts';
import { openDirectH5ad } from './direct/open.ts';
import type { PositionalReader } from './direct/format.ts';

/**
 * Which HDF5 reader opens the file: 'auto' (the direct reader when it can, else h5wasm), or one
 * of them only ('direct' fails with `unsupported_h5ad` for a file it cannot read; for tests).
 */
export type H5adVia = 'auto' | 'direct' | 'h5wasm';

export async function openH5adPath(path: string, via: H5adVia = 'auto'): Promise<H5adReader> {
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
  if (via !== 'h5wasm') {
    const source = positionalReader(path, size);
    const direct = openDirectH5ad(source, () => source.close());
    if (direct) return direct;
    if (via === 'direct') throw new CellTypistError('unsupported_h5ad', `'${path}' needs the HDF5 library (h5wasm) to be read`);
  }
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

/** pread on one descriptor, opened on the first read and closed with the reader. */
function positionalReader(path: string, size: number): PositionalReader & { close(): void } {
  let fd = -1;
  return {
    size,
    readInto(offset: number, dest: Uint8Array) {
      if (fd < 0) fd = openSync(path, 'r');
      let done = 0;
      while (done < dest.length) {
        const n = readSync(fd, dest, done, dest.length - done, offset + done);
        if (n <= 0) throw new CellTypistError('corrupt_h5ad', `'${path}' ends before its data: the file is truncated; download or export it again`);
        done += n;
      }
    },
    inflate: (bytes: Uint8Array) => inflateSync(bytes),
    close() {
      if (fd >= 0) closeSync(fd);
      fd = -1;
    },
  };
}
