/** Spill into a temporary file (Node), deleted on close and at process exit. */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CellTypistError } from '../types.ts';
import type { Spill } from './spill.ts';

export function fileSpill(dir = os.tmpdir()): Spill {
  const folder = mkdtempSync(path.join(dir, 'celltypist-wasm-'));
  const file = path.join(folder, 'cells.bin');
  const fd = openSync(file, 'w+');
  const cleanup = () => {
    try {
      closeSync(fd);
    } catch {}
    rmSync(folder, { recursive: true, force: true });
  };
  process.once('exit', cleanup);
  return {
    where: `temporary file ${file}`,
    write(pos, bytes) {
      try {
        let done = 0;
        while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, pos + done);
      } catch (e) {
        cleanup();
        throw new CellTypistError('spill_failed', `cannot write the temporary file used to reorder the matrix by cell (${(e as Error).message}) in ${dir}: free disk space there or set TMPDIR to a folder with room`);
      }
    },
    read(pos, len) {
      const out = new Uint8Array(len);
      let done = 0;
      while (done < len) {
        const n = readSync(fd, out, done, len - done, pos + done);
        if (n <= 0) break;
        done += n;
      }
      return out;
    },
    close() {
      process.removeListener('exit', cleanup);
      cleanup();
    },
  };
}
