/**
 * Where the export worker builds a whole file before it is handed over: a file in the
 * origin-private file system (OPFS, through a sync access handle: on disk in a normal window) or a
 * Blob assembled from chunk Blobs (small files). Every OPFS write is checked: Chromium's handle
 * returns a short (or wrapped, e.g. 4294967288) count instead of throwing when its storage is full,
 * which becomes one QuotaExceededError here, never a number in a message or a short file.
 */
import { BlobBackend } from '../../engine/export/blob-backend.ts';
import type { RandomAccessBackend } from '../../engine/h5ad/random-access-fs.ts';
import { CellTypistError } from '../../engine/types.ts';

const STAGE_PREFIX = 'ctw-export-';

export interface Stage {
  kind: 'opfs' | 'blob';
  backend: RandomAccessBackend;
  /** The finished file (a disk-backed File for OPFS), after checking it has `bytes` bytes. */
  finish(bytes: number): Promise<Blob>;
  /** Closes and removes the staged file (after a failure). */
  discard(): Promise<void>;
}

/** The storage refused more bytes (quota or disk: the caller says which it can tell). */
export const storageFull = () => Object.assign(new Error('the browser’s storage refused to hold more of the file'), { name: 'QuotaExceededError' });

type SyncHandle = RandomAccessBackend & { close(): void };

/** A sync access handle whose every write and resize is checked (`limit`: a quota for tests). */
function checked(h: SyncHandle, limit = Infinity): SyncHandle {
  return {
    read: (dst, o) => h.read(dst, o),
    write(src, o) {
      if (o.at + src.length > limit) throw storageFull();
      const n = h.write(src, o);
      if (n !== src.length) throw storageFull();
      return n;
    },
    truncate(size) {
      if (size > limit) throw storageFull();
      try {
        h.truncate(size);
      } catch (e) {
        throw (e as Error).name === 'QuotaExceededError' ? storageFull() : e;
      }
    },
    getSize: () => h.getSize(),
    flush: () => h.flush(),
    close: () => h.close(),
  };
}

async function opfsRoot(): Promise<FileSystemDirectoryHandle | null> {
  try {
    return await navigator.storage.getDirectory();
  } catch {
    return null;
  }
}

/** Whether this worker can write OPFS files through sync access handles. */
export async function opfsUsable(): Promise<boolean> {
  return (await opfsRoot()) !== null && typeof FileSystemFileHandle !== 'undefined' && 'createSyncAccessHandle' in FileSystemFileHandle.prototype;
}

/** Staged files kept for downloads still reading them; older ones are removed. */
const staged: string[] = [];

/**
 * A staged file: OPFS (`room`: first make sure the storage takes `room` bytes; `testQuota`: refuse
 * beyond that many bytes, as a small private-window store would) or Blobs.
 */
export async function openStage(kind: 'opfs' | 'blob', room = 0, testQuota?: number): Promise<Stage> {
  if (kind === 'blob') {
    const b = new BlobBackend();
    return { kind: 'blob', backend: b, finish: async (bytes) => verified(b.toBlob(), bytes), discard: async () => {} };
  }
  const root = await opfsRoot();
  if (!root || !(await opfsUsable())) throw new CellTypistError('no_opfs', 'this browser has no origin-private file system to stage the export on');
  while (staged.length >= 3) await root.removeEntry(staged.shift()!).catch(() => {});
  const name = `${STAGE_PREFIX}${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const fh = await root.getFileHandle(name, { create: true });
  staged.push(name);
  const raw = (await (fh as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }).createSyncAccessHandle()) as SyncHandle;
  const handle = checked(raw, testQuota);
  const discard = async () => {
    try {
      handle.close();
    } catch {
      // closed already
    }
    await root.removeEntry(name).catch(() => {});
  };
  if (room > 0) {
    // A private window's quota is reported larger than the memory it keeps files in: ask for the
    // room itself (a sparse file on disk) before writing.
    try {
      handle.truncate(room);
      handle.truncate(0);
    } catch (e) {
      await discard();
      throw e;
    }
  }
  return {
    kind: 'opfs',
    backend: handle,
    finish: async (bytes) => {
      handle.flush();
      handle.close();
      return verified(await fh.getFile(), bytes);
    },
    discard,
  };
}

/** The staged file, or an error when it is not exactly `bytes` long. */
function verified(b: Blob, bytes: number): Blob {
  if (b.size !== bytes) throw new CellTypistError('write_failed', `the staged file has ${b.size.toLocaleString('en-US')} of its ${bytes.toLocaleString('en-US')} bytes, so it was not handed over: export it again`);
  return b;
}

/** Removes staging files left by earlier visits. */
export async function cleanStale(): Promise<void> {
  const root = await opfsRoot();
  if (!root) return;
  for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) {
    if (name.startsWith(STAGE_PREFIX)) await root.removeEntry(name).catch(() => {});
  }
}
