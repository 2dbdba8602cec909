/**
 * Opens a dropped File inside a worker: mounted on h5wasm's file system as a read-ahead file
 * (read lazily in growing windows, never copied whole; see read-ahead.ts), with one clear error for files that are not HDF5, truncated or damaged. Used by the
 * annotation worker and the Markers worker.
 */
import h5wasm from 'h5wasm';
import { H5adReader, type H5File, type H5Raw } from '../h5ad/read.ts';
import { checkHdf5Signature } from '../h5ad/signature.ts';
import { CellTypistError } from '../types.ts';
import { randomAccessFs } from '../h5ad/random-access-fs.ts';
import { readAheadBlob } from './read-ahead.ts';
import { openDirectH5ad } from '../h5ad/direct/open.ts';
import { filePositionalReader } from '../formats/byte-source.ts';
import { blobRangeReader, withPrefetch } from '../formats/prefetch-reader.ts';

let mounted = false;

/** Mounts `file` (replacing the previous one) and opens it as HDF5; the caller closes it. */
export async function mountHdf5(file: File): Promise<H5File> {
  const head = new Uint8Array(await file.slice(0, 4096).arrayBuffer());
  checkHdf5Signature(head, file.size, file.name);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const { FS } = (await h5wasm.ready) as unknown as { FS: any };
  if (mounted) FS.unmount('/work');
  else FS.mkdir('/work');
  FS.mount(randomAccessFs(FS), { files: [{ name: file.name, backend: readAheadBlob(file) }] }, '/work');
  mounted = true;
  try {
    return new h5wasm.File(`/work/${file.name}`, 'r') as unknown as H5File;
  } catch (e) {
    throw new CellTypistError('corrupt_h5ad', `'${file.name}' could not be opened as HDF5: the file is probably truncated or corrupt (${(e as Error).message})`);
  }
}

/** h5wasm's module, for the readers' one-copy row reads (H5Raw). */
export async function h5Raw(): Promise<H5Raw> {
  return (await h5wasm.ready) as unknown as H5Raw;
}

/** Opens `file` as an .h5ad (directly when it can, else through h5wasm); the caller closes the reader. */
export async function openFile(file: File): Promise<H5adReader> {
  const direct = openDirectH5ad(withPrefetch(filePositionalReader(file), blobRangeReader(file)), () => undefined);
  if (direct) return direct;
  const f = await mountHdf5(file);
  try {
    return new H5adReader(f, await h5Raw());
  } catch (e) {
    f.close();
    if (e instanceof CellTypistError) throw e;
    throw new CellTypistError('corrupt_h5ad', `'${file.name}' is damaged (${(e as Error).message}): the file is probably truncated or corrupt; export it again`);
  }
}
