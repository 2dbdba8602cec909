/** Early, precise messages for files that are not HDF5 at all. */
import { CellTypistError } from '../types.ts';

const SIG = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The file size recorded in the HDF5 superblock (base address + end-of-file address), or null
 * when it cannot be read from `head`. Superblock v0/v1 and v2/v3 layouts.
 */
export function endOfFile(head: Uint8Array, sig: number): number | null {
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const version = head[sig + 8];
  let so: number;
  let base: number;
  if (version === 0 || version === 1) {
    so = head[sig + 13];
    base = sig + (version === 0 ? 24 : 28);
  } else if (version === 2 || version === 3) {
    so = head[sig + 9];
    base = sig + 12;
  } else {
    return null;
  }
  if (so !== 8 && so !== 4) return null;
  const read = (at: number) => (at + so > head.length ? null : so === 8 ? Number(dv.getBigUint64(at, true)) : dv.getUint32(at, true));
  const baseAddress = read(base);
  const eof = read(base + 2 * so);
  if (baseAddress === null || eof === null) return null;
  // An undefined address (all ones) means unknown.
  if (eof >= Number.MAX_SAFE_INTEGER || baseAddress >= Number.MAX_SAFE_INTEGER) return null;
  return baseAddress + eof;
}

/** Throws a CellTypistError unless `head` (the first KiB of the file) carries the HDF5 signature. */
export function checkHdf5Signature(head: Uint8Array, size: number, name: string): void {
  if (size === 0) throw new CellTypistError('empty_file', `'${name}' is empty (0 bytes)`);
  // The superblock may follow a user block at 0, 512, 1024, 2048 ... bytes.
  for (let off = 0; off + 8 <= head.length; off = off === 0 ? 512 : off * 2) {
    if (SIG.every((b, i) => head[off + i] === b)) {
      const eof = endOfFile(head, off);
      if (eof !== null && eof > size) {
        throw new CellTypistError(
          'truncated_file',
          `'${name}' is truncated: HDF5 says it has ${eof.toLocaleString('en-US')} bytes but it has ${size.toLocaleString('en-US')} (an interrupted download or copy?); download or export it again`,
        );
      }
      return;
    }
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
