/**
 * Read-only random access to a dropped File for h5wasm, with read-ahead. WORKERFS reads every
 * HDF5 request (a 256 KB chunk, a B-tree node) with its own FileReaderSync call, and each call
 * costs ~1.5 ms in Chromium whatever its size: a 20k-cell file's two passes (~500 MB each in
 * 256 KB chunks) spent ~3 s of each pass in call overhead (measured: 480 MB in 256 KB reads
 * 2.8-3.7 s, in 8 MB reads 1.0 s). Here a read that continues where an earlier one ended (a
 * sequential stream: a dataset's chunks) fetches a growing window ahead (doubling up to
 * `max_window`), so that most reads are served from memory; scattered small reads (metadata)
 * fetch only a small window. Memory is bounded by `budget` (least recently used windows go).
 */
import type { RandomAccessBackend } from '../h5ad/random-access-fs.ts';

export interface ReadAheadOptions {
  /** Bytes fetched for a read that starts a stream (default 64 KB: HDF5's metadata reads are small). */
  min_window?: number;
  /** Largest window a stream grows to (default 8 MB: fewer calls bring little more, see above). */
  max_window?: number;
  /** Bytes of windows kept (default 40 MB: room for a few interleaved streams, e.g. data and indices). */
  budget?: number;
}

/** Reads `[start, end)` of the file synchronously (FileReaderSync on a slice in a worker). */
export type SyncRangeReader = (start: number, end: number) => Uint8Array;

interface Window {
  start: number;
  bytes: Uint8Array;
  /** Size of the window this stream fetched last (doubles while the stream goes on). */
  span: number;
  used: number;
}

export class ReadAheadFile implements RandomAccessBackend {
  private readonly windows: Window[] = [];
  private clock = 0;
  /** Calls to the underlying reader (tests and the bench check the read-ahead works). */
  calls = 0;
  private readonly minWindow: number;
  private readonly maxWindow: number;
  private readonly budget: number;

  constructor(
    private readonly size: number,
    private readonly readRange: SyncRangeReader,
    options: ReadAheadOptions = {},
  ) {
    this.minWindow = options.min_window ?? 64 << 10;
    this.maxWindow = Math.max(this.minWindow, options.max_window ?? 8 << 20);
    this.budget = Math.max(this.maxWindow, options.budget ?? 40 << 20);
  }

  read(dst: Uint8Array, { at }: { at: number }): number {
    const end = Math.min(this.size, at + dst.length);
    if (end - at >= this.maxWindow) {
      // A large read (e.g. a whole obs column) is one call already: not worth keeping.
      this.calls++;
      dst.set(this.fetch(at, end));
      return end - at;
    }
    let pos = at;
    while (pos < end) {
      const w = this.windowAt(pos, end);
      const from = pos - w.start;
      const n = Math.min(end - pos, w.bytes.length - from);
      dst.set(w.bytes.subarray(from, from + n), pos - at);
      pos += n;
    }
    return Math.max(0, end - at);
  }

  /** The window holding `pos`, fetched if needed (sized by whether it continues a stream). */
  private windowAt(pos: number, end: number): Window {
    const hit = this.windows.find((w) => pos >= w.start && pos < w.start + w.bytes.length);
    if (hit) {
      hit.used = ++this.clock;
      return hit;
    }
    // A stream: this read starts where a window ends (or within its last part).
    const prev = this.windows.find((w) => w.span > 0 && pos >= w.start + w.bytes.length && pos <= w.start + w.bytes.length + (w.bytes.length >> 1));
    // A new stream starts small (metadata reads are small) unless the read itself is large.
    const span = prev ? Math.min(this.maxWindow, prev.span * 2) : Math.min(this.maxWindow, Math.max(this.minWindow, 4 * (end - pos)));
    const length = Math.min(this.size - pos, Math.max(span, end - pos));
    this.calls++;
    const bytes = this.fetch(pos, pos + length);
    const w: Window = { start: pos, bytes, span, used: ++this.clock };
    if (prev) prev.span = 0; // the stream continues in `w` (prev stays for reads that go back)
    this.windows.push(w);
    this.evict(w);
    return w;
  }

  private fetch(start: number, end: number): Uint8Array {
    const bytes = this.readRange(start, end);
    if (bytes.length !== end - start) throw new Error(`short read of the input file (${bytes.length} of ${end - start} bytes at ${start}): was it changed or removed while open?`);
    return bytes;
  }

  /** Drops least recently used windows beyond the budget (never `keep`). */
  private evict(keep: Window) {
    let total = this.windows.reduce((a, w) => a + w.bytes.length, 0);
    while (total > this.budget && this.windows.length > 1) {
      const old = this.windows.filter((w) => w !== keep).reduce((a, b) => (a.used <= b.used ? a : b));
      this.windows.splice(this.windows.indexOf(old), 1);
      total -= old.bytes.length;
    }
  }

  /** Bytes held in windows now. */
  get held(): number {
    return this.windows.reduce((a, w) => a + w.bytes.length, 0);
  }

  write(): number {
    throw new Error('the input file is read-only');
  }
  truncate(): void {
    throw new Error('the input file is read-only');
  }
  getSize(): number {
    return this.size;
  }
  flush(): void {}
}

/** A ReadAheadFile over a File or Blob, in a worker (FileReaderSync). */
export function readAheadBlob(blob: Blob, options?: ReadAheadOptions): ReadAheadFile {
  const reader = new FileReaderSync();
  return new ReadAheadFile(blob.size, (start, end) => new Uint8Array(reader.readAsArrayBuffer(blob.slice(start, end))), options);
}
