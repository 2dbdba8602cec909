/**
 * Scratch storage for re-ordering a gene-major matrix cell by cell (see cell-store.ts): a temporary
 * file in Node, the origin-private file system (synchronous access handle) in a browser worker,
 * or memory as the last resort. Positions are in bytes.
 */
export interface Spill {
  /** Where the bytes live, for messages ('temporary file /tmp/...', 'memory'). */
  readonly where: string;
  write(position: number, bytes: Uint8Array): void;
  read(position: number, length: number): Uint8Array;
  /** Frees the storage (deletes the file). */
  close(): void;
}

/** Spill in memory: grows as written (only for small inputs or when nothing else exists). */
export function memorySpill(): Spill {
  let buf = new Uint8Array(1 << 20);
  return {
    where: 'memory',
    write(pos, bytes) {
      if (pos + bytes.length > buf.length) {
        const grown = new Uint8Array(Math.max(buf.length * 2, pos + bytes.length));
        grown.set(buf);
        buf = grown;
      }
      buf.set(bytes, pos);
    },
    read: (pos, len) => buf.slice(pos, pos + len),
    close() {
      buf = new Uint8Array(0);
    },
  };
}

interface SyncHandle {
  write(b: Uint8Array, o: { at: number }): number;
  read(b: Uint8Array, o: { at: number }): number;
  close(): void;
}

/** Spill in the origin-private file system (Chromium, Firefox, Safari workers); memory when unavailable. */
export async function browserSpill(): Promise<Spill> {
  try {
    const storage = (globalThis as unknown as { navigator?: { storage?: { getDirectory?: () => Promise<any> } } }).navigator?.storage;
    if (!storage?.getDirectory) return memorySpill();
    const root = await storage.getDirectory();
    const name = `celltypist-spill-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const fh = await root.getFileHandle(name, { create: true });
    if (!fh.createSyncAccessHandle) return memorySpill();
    const h = (await fh.createSyncAccessHandle()) as SyncHandle;
    return {
      where: 'browser storage (origin-private file system)',
      write: (pos, bytes) => void h.write(bytes, { at: pos }),
      read(pos, len) {
        const out = new Uint8Array(len);
        h.read(out, { at: pos });
        return out;
      },
      close() {
        h.close();
        root.removeEntry(name).catch(() => {});
      },
    };
  } catch {
    return memorySpill();
  }
}
