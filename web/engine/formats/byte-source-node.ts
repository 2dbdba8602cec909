/** ByteSource over a file on disk (Node): positional reads, one descriptor, opened on first read. */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { CellTypistError } from '../types.ts';
import type { ByteSource } from './byte-source.ts';

export function pathByteSource(file: string): ByteSource {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new CellTypistError('bad_input', `'${file}' is a folder, not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof CellTypistError) throw e;
    throw new CellTypistError('not_found', `cannot read '${file}': no such file`);
  }
  let fd = -1;
  return {
    name: path.basename(file),
    size,
    read(offset, length) {
      if (fd < 0) fd = openSync(file, 'r');
      const out = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      let done = 0;
      while (done < out.length) {
        const n = readSync(fd, out, done, out.length - done, offset + done);
        if (n <= 0) break;
        done += n;
      }
      return done === out.length ? out : out.subarray(0, done);
    },
    close() {
      if (fd >= 0) closeSync(fd);
      fd = -1;
    },
  };
}
