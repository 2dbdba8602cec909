/**
 * An Emscripten file system (for h5wasm's browser build) whose files live on a random-access
 * backend instead of the wasm heap: HDF5 writes the annotated .h5ad at positions, and the bytes go
 * to disk (an OPFS sync access handle) or to a list of Blobs (which the browser may keep on disk),
 * so a file larger than memory can be written. Mount it, write with h5wasm at
 * `<mountpoint>/<name>`, unmount.
 */

/** Synchronous random access to one file's bytes (OPFS FileSystemSyncAccessHandle fits as is). */
export interface RandomAccessBackend {
  /** Reads into `dst` from `at`; returns the bytes read (fewer at the end of the file). */
  read(dst: Uint8Array, opts: { at: number }): number;
  /** Writes all of `src` at `at` (growing the file when needed); returns the bytes written. */
  write(src: Uint8Array, opts: { at: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- Emscripten's FS object is untyped */
type EmFS = any;

const DIR_MODE = 16895;
const FILE_MODE = 33206;

/**
 * The file-system type to pass to FS.mount(type, { files: [{ name, backend }] }, mountpoint).
 * Errors of the backend (e.g. a full disk: QuotaExceededError) are kept in `lastError` because
 * HDF5 only sees a failed write (EIO); callers rethrow it with a clear message.
 */
export function randomAccessFs(FS: EmFS) {
  const state = { lastError: null as unknown };
  const fail = (e: unknown): never => {
    state.lastError = e;
    throw new FS.ErrnoError(29); // EIO
  };
  const node_ops = {
    getattr(node: any) {
      const size = FS.isFile(node.mode) ? node.backend.getSize() : 4096;
      const t = new Date(node.timestamp);
      return { dev: 1, ino: node.id, mode: node.mode, nlink: 1, uid: 0, gid: 0, rdev: 0, size, atime: t, mtime: t, ctime: t, blksize: 4096, blocks: Math.ceil(size / 4096) };
    },
    setattr(node: any, attr: { size?: number; timestamp?: number }) {
      if (attr.timestamp !== undefined) node.timestamp = attr.timestamp;
      if (attr.size !== undefined && FS.isFile(node.mode)) {
        try {
          node.backend.truncate(attr.size);
        } catch (e) {
          fail(e);
        }
      }
    },
    lookup() {
      throw new FS.ErrnoError(44); // ENOENT: only the mounted files exist
    },
    mknod() {
      throw new FS.ErrnoError(63);
    },
    rename() {
      throw new FS.ErrnoError(63);
    },
    unlink() {
      throw new FS.ErrnoError(63);
    },
    rmdir() {
      throw new FS.ErrnoError(63);
    },
    readdir(node: any) {
      return ['.', '..', ...Object.keys(node.contents)];
    },
    symlink() {
      throw new FS.ErrnoError(63);
    },
  };
  const stream_ops = {
    read(stream: any, buffer: Uint8Array, offset: number, length: number, position: number) {
      try {
        return stream.node.backend.read(buffer.subarray(offset, offset + length), { at: position });
      } catch (e) {
        return fail(e);
      }
    },
    write(stream: any, buffer: Uint8Array, offset: number, length: number, position: number) {
      try {
        // A copy: the backend may keep the bytes (Blob parts) and the heap view is reused.
        const n = stream.node.backend.write(buffer.slice(offset, offset + length), { at: position });
        // A storage that cannot grow answers with a short (or, in Chromium's OPFS, a wrapped
        // negative) count instead of throwing: the cause, not the number.
        if (n !== length) throw Object.assign(new Error('the storage refused to hold more of the file'), { name: 'QuotaExceededError' });
        return length;
      } catch (e) {
        return fail(e);
      }
    },
    llseek(stream: any, offset: number, whence: number) {
      let position = offset;
      if (whence === 1) position += stream.position;
      else if (whence === 2 && FS.isFile(stream.node.mode)) position += stream.node.backend.getSize();
      if (position < 0) throw new FS.ErrnoError(28);
      return position;
    },
    fsync(stream: any) {
      stream.node.backend.flush();
    },
  };
  function createNode(parent: any, name: string, mode: number, backend?: RandomAccessBackend) {
    const node = FS.createNode(parent, name, mode, 0);
    node.mode = mode;
    node.node_ops = node_ops;
    node.stream_ops = stream_ops;
    node.timestamp = Date.now();
    node.backend = backend;
    node.contents = {};
    if (parent) parent.contents[name] = node;
    return node;
  }
  return {
    state,
    mount(mount: { opts: { files: { name: string; backend: RandomAccessBackend }[] } }) {
      const root = createNode(null, '/', DIR_MODE);
      for (const f of mount.opts.files) createNode(root, f.name, FILE_MODE, f.backend);
      return root;
    },
  };
}

/** A backend in memory (tests, and small results): grows by doubling. */
export class MemoryBackend implements RandomAccessBackend {
  private buf = new Uint8Array(1 << 16);
  private size = 0;
  read(dst: Uint8Array, { at }: { at: number }): number {
    const n = Math.max(0, Math.min(dst.length, this.size - at));
    dst.set(this.buf.subarray(at, at + n));
    return n;
  }
  write(src: Uint8Array, { at }: { at: number }): number {
    this.reserve(at + src.length);
    this.buf.set(src, at);
    this.size = Math.max(this.size, at + src.length);
    return src.length;
  }
  truncate(size: number): void {
    this.reserve(size);
    if (size < this.size) this.buf.fill(0, size, this.size);
    this.size = size;
  }
  getSize(): number {
    return this.size;
  }
  flush(): void {}
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.size);
  }
  private reserve(n: number) {
    if (n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(n, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.size));
    this.buf = next;
  }
}
