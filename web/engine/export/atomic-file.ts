/**
 * Node output files that never look complete when they are not: bytes go to `<name>.partial`
 * and the file gets its real name only on `commit()`; `discard()` removes the partial file.
 * File-system failures become one clear CellTypistError saying what to do (disk full, no
 * permission, read-only disk, a file in the way of the output folder).
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, write as writeCallback, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import { CellTypistError } from '../types.ts';

const encoder = new TextEncoder();

/** A one-line, actionable message for a failed file-system call on `target`. */
export function fileError(e: unknown, target: string, what = 'write'): CellTypistError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const where = 'choose another output folder (-o)';
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new CellTypistError('disk_full', `the disk is full (${code}) while writing ${target}: free some space or ${where}; no incomplete output was left`);
    case 'EACCES':
    case 'EPERM':
      return new CellTypistError('not_writable', `cannot ${what} ${target}: permission denied; ${where} you can write to`);
    case 'EROFS':
      return new CellTypistError('not_writable', `cannot ${what} ${target}: the file system is read-only; ${where}`);
    case 'ENOTDIR':
    case 'EEXIST':
      return new CellTypistError('not_writable', `cannot ${what} ${target}: a file is in the way of the output folder; ${where}`);
    case 'EISDIR':
      return new CellTypistError('not_writable', `cannot ${what} ${target}: it is a folder; remove it or ${where}`);
    case 'ENOENT':
      return new CellTypistError('not_writable', `cannot ${what} ${target}: its parent folder does not accept new entries; ${where}`);
    case 'EFBIG':
      return new CellTypistError('disk_full', `cannot ${what} ${target}: the file system does not allow files this large; ${where}`);
    default:
      return new CellTypistError('write_failed', `cannot ${what} ${target}: ${(e as Error)?.message ?? String(e)}`);
  }
}

/** Creates the output folder (and parents), with a clear error. */
export function makeOutputFolder(dir: string): void {
  try {
    makeFolder(path.resolve(dir));
  } catch (e) {
    throw fileError(e, dir, 'create the output folder');
  }
}

/**
 * mkdir -p one level at a time: Node 20's mkdirSync(..., { recursive: true }) never returns
 * for a folder under /proc (it retries ENOENT forever).
 */
function makeFolder(dir: string): void {
  try {
    mkdirSync(dir);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (statSync(dir).isDirectory()) return;
      throw Object.assign(new Error(`${dir} is a file`), { code: 'ENOTDIR' });
    }
    if (code !== 'ENOENT' || path.dirname(dir) === dir) throw e;
  }
  makeFolder(path.dirname(dir));
  mkdirSync(dir);
}

const writeAsync = promisify(writeCallback);

/** Spare copy buffers kept per file: as many as writes wait under the CLI's backlog bound, and then some. */
const MAX_SPARE = 8;

/** All of `b` at the file's current position, in libuv's threads. */
async function writeAll(fd: number, b: Uint8Array): Promise<void> {
  for (let off = 0; off < b.length; ) off += (await writeAsync(fd, b, off, b.length - off)).bytesWritten;
}

export class AtomicFile {
  /** Where the bytes go until commit. */
  readonly partial: string;
  private fd: number | null;
  /** Bytes written so far (queued ones included). */
  bytes = 0;
  /** Background writes, in order (see writeInBackground). */
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private failure: unknown = null;
  /**
   * Copy buffers whose writes are done, reused by the next writes: fresh buffers would cost a
   * page fault per 4 KB and garbage collections (84 MB of tables at 20k cells).
   */
  private readonly spare: Uint8Array[] = [];

  constructor(readonly target: string) {
    this.partial = `${target}.partial`;
    try {
      this.fd = openSync(this.partial, 'w');
    } catch (e) {
      throw fileError(e, target);
    }
  }

  write(data: Uint8Array | string): void {
    if (this.fd === null) throw new CellTypistError('write_failed', `${this.target} is already closed`);
    // Bytes written now would overtake the ones still queued.
    if (this.queued > 0) throw new CellTypistError('write_failed', `${this.target}: background writes are still running (drain() first)`);
    const b = typeof data === 'string' ? encoder.encode(data) : data;
    try {
      for (let off = 0; off < b.length; ) off += writeSync(this.fd, b, off, b.length - off);
    } catch (e) {
      throw fileError(e, this.target);
    }
    this.bytes += b.length;
  }

  /**
   * write(), but the disk work happens in the background (libuv's threads): a disk that stalls
   * for a moment (a journal commit, writeback) no longer stalls the computation. The bytes are
   * copied first (callers pass views that change). Bound the memory with drain(); a failed write
   * is thrown by the next call or by drain(); drain() before commit().
   */
  writeInBackground(data: Uint8Array): void {
    this.throwFailure();
    const fd = this.fd;
    if (fd === null) throw new CellTypistError('write_failed', `${this.target} is already closed`);
    const buffer = this.takeBuffer(data.length);
    buffer.set(data);
    const copy = buffer.subarray(0, data.length);
    this.queued += copy.length;
    this.bytes += copy.length;
    this.queue = this.queue
      // Not after a failure, nor once the file was discarded (its descriptor closed).
      .then(() => (this.failure === null && this.fd === fd ? writeAll(fd, copy) : undefined))
      .catch((e: unknown) => {
        this.failure ??= e;
      })
      .finally(() => {
        this.queued -= copy.length;
        if (this.spare.length < MAX_SPARE) this.spare.push(buffer);
      });
  }

  /** A spare buffer of at least `bytes` (the first that fits), else a new one. */
  private takeBuffer(bytes: number): Uint8Array {
    const i = this.spare.findIndex((b) => b.length >= bytes);
    if (i >= 0) return this.spare.splice(i, 1)[0];
    // Some room to spare: chunks of one run differ a little in size.
    return new Uint8Array(bytes + (bytes >> 3));
  }

  /** Waits for the background writes when more than `limit` bytes wait (all of them with 0). */
  async drain(limit = 0): Promise<void> {
    if (this.queued > limit) await this.queue;
    this.throwFailure();
  }

  private throwFailure(): void {
    if (this.failure !== null) throw fileError(this.failure, this.target);
  }

  /** Closes and gives the file its real name (replacing an older one); after background writes, drain() first. */
  commit(): void {
    if (this.fd === null) return;
    if (this.queued > 0) throw new CellTypistError('write_failed', `${this.target}: background writes are still running (drain() first)`);
    try {
      closeSync(this.fd);
      this.fd = null;
      renameSync(this.partial, this.target);
    } catch (e) {
      this.discard();
      throw fileError(e, this.target);
    }
  }

  /** Closes and removes the partial file (safe to call more than once). */
  discard(): void {
    const fd = this.fd;
    this.fd = null;
    const close = () => {
      if (fd === null) return;
      try {
        closeSync(fd);
      } catch {
        // closing a file on a full disk can fail too; removing it is what matters
      }
    };
    if (this.queued === 0) {
      close();
      rmSync(this.partial, { force: true });
      return;
    }
    // A background write may be in flight: close its descriptor only after it (a number closed
    // under it could be reused by another file), and remove the file now and again then.
    this.queue = this.queue.finally(() => {
      close();
      try {
        rmSync(this.partial, { force: true });
      } catch {
        // nothing more to do for a file that cannot be removed (its failure was reported)
      }
    });
    try {
      rmSync(this.partial, { force: true });
    } catch {
      // removed after the write instead
    }
  }
}

/** Writes a whole file under its `.partial` name, then renames it: all or nothing, clear errors. */
export function writeFileAtomic(target: string, data: Uint8Array | string): void {
  const f = new AtomicFile(target);
  try {
    f.write(data);
    f.commit();
  } catch (e) {
    f.discard();
    throw e;
  }
}
