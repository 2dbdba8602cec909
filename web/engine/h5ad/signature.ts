/** Early, precise messages for files that are not HDF5 at all. */
import { CellTypistError } from '../types.ts';

const SIG = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Throws a CellTypistError unless `head` (the first KiB of the file) carries the HDF5 signature. */
export function checkHdf5Signature(head: Uint8Array, size: number, name: string): void {
  if (size === 0) throw new CellTypistError('empty_file', `'${name}' is empty (0 bytes)`);
  // The superblock may follow a user block at 0, 512, 1024, 2048 ... bytes.
  for (let off = 0; off + 8 <= head.length; off = off === 0 ? 512 : off * 2) {
    if (SIG.every((b, i) => head[off + i] === b)) return;
  }
  if (head[0] === 0x80 && head[1] <= 5) {
    throw new CellTypistError('not_hdf5', `'${name}' looks like a Python pickle (a model .pkl?), not an .h5ad data file`);
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    throw new CellTypistError('not_hdf5', `'${name}' is gzip-compressed: decompress it (gunzip) to get the .h5ad file`);
  }
  const text = new TextDecoder().decode(head.subarray(0, 200));
  if (/^[\w".-]+[,\t]/.test(text)) {
    throw new CellTypistError('not_hdf5', `'${name}' looks like a text table (CSV/TSV), not an .h5ad file: load it in scanpy and save it with adata.write_h5ad()`);
  }
  throw new CellTypistError('not_hdf5', `'${name}' is not an HDF5/.h5ad file (no HDF5 signature): choose the .h5ad file written by anndata/scanpy`);
}
