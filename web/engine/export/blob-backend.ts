/**
 * A random-access file assembled from Blobs, for browsers without OPFS sync access handles: each
 * write becomes a Blob (Chromium's blob storage pages large blobs to disk, so the file is never
 * held whole in the page's or the worker's memory), later writes over earlier ones split them by
 * Blob.slice (no copy). Small writes (HDF5 metadata, which HDF5 may read back) also keep their
 * bytes; large ones are read back, if ever, with FileReaderSync (workers only).
 */
import type { RandomAccessBackend } from '../h5ad/random-access-fs.ts';
import { firstEndingAfter, partitionPoint } from './extents.ts';

interface Extent {
  start: number;
  end: number;
  blob: Blob;
  /** The bytes of small extents (metadata), for read-back without a blob read. */
  bytes?: Uint8Array;
}

/** Writes up to this size keep their bytes in memory too. */
const KEEP_BYTES = 1 << 16;

export class BlobBackend implements RandomAccessBackend {
  private extents: Extent[] = [];
  private size = 0;
  /** Bytes of the blob-only extents read back (should stay near 0: HDF5 rarely reads raw data). */
  bytesReadBack = 0;

  constructor(private readonly readBlob: (b: Blob) => Uint8Array = defaultReadBlob) {}

  getSize(): number {
    return this.size;
  }

  flush(): void {}

  truncate(size: number): void {
    if (size < this.size) this.cut(size, Infinity);
    this.size = size;
  }

  write(src: Uint8Array, { at }: { at: number }): number {
    if (src.length === 0) return 0;
    const end = at + src.length;
    this.cut(at, end);
    const e: Extent = { start: at, end, blob: new Blob([src as BlobPart]) };
    if (src.length <= KEEP_BYTES) e.bytes = src;
    this.extents.splice(partitionPoint(this.extents, (x) => x.start < at), 0, e);
    this.size = Math.max(this.size, end);
    return src.length;
  }

  read(dst: Uint8Array, { at }: { at: number }): number {
    const n = Math.max(0, Math.min(dst.length, this.size - at));
    dst.fill(0, 0, n);
    for (let i = firstEndingAfter(this.extents, at); i < this.extents.length; i++) {
      const e = this.extents[i];
      if (e.start >= at + n) break;
      const lo = Math.max(at, e.start);
      const hi = Math.min(at + n, e.end);
      let part: Uint8Array;
      if (e.bytes) part = e.bytes.subarray(lo - e.start, hi - e.start);
      else {
        part = this.readBlob(e.blob.slice(lo - e.start, hi - e.start));
        this.bytesReadBack += part.length;
      }
      dst.set(part, lo - at);
    }
    return n;
  }

  /** The whole file as one Blob (holes as zeros). */
  toBlob(type = 'application/octet-stream'): Blob {
    const parts: Blob[] = [];
    let pos = 0;
    for (const e of this.extents) {
      if (e.start >= this.size) break;
      if (e.start > pos) parts.push(zeros(e.start - pos));
      parts.push(e.end > this.size ? e.blob.slice(0, this.size - e.start) : e.blob);
      pos = Math.min(e.end, this.size);
    }
    if (pos < this.size) parts.push(zeros(this.size - pos));
    return new Blob(parts, { type });
  }

  /** Removes [lo, hi) from the extents, splitting those that straddle it. */
  private cut(lo: number, hi: number) {
    const out: Extent[] = [];
    for (const e of this.extents) {
      if (e.end <= lo || e.start >= hi) {
        out.push(e);
        continue;
      }
      if (e.start < lo) out.push(sliceExtent(e, e.start, lo));
      if (e.end > hi) out.push(sliceExtent(e, hi, e.end));
    }
    this.extents = out;
  }

}

function sliceExtent(e: Extent, lo: number, hi: number): Extent {
  const out: Extent = { start: lo, end: hi, blob: e.blob.slice(lo - e.start, hi - e.start) };
  if (e.bytes) out.bytes = e.bytes.subarray(lo - e.start, hi - e.start);
  return out;
}

function zeros(n: number): Blob {
  const parts: Uint8Array[] = [];
  const block = new Uint8Array(Math.min(n, 1 << 24));
  for (let left = n; left > 0; left -= block.length) parts.push(left >= block.length ? block : block.subarray(0, left));
  return new Blob(parts as BlobPart[]);
}

function defaultReadBlob(b: Blob): Uint8Array {
  const Reader = (globalThis as unknown as { FileReaderSync?: new () => { readAsArrayBuffer(b: Blob): ArrayBuffer } }).FileReaderSync;
  if (!Reader) throw new Error('reading back a written part of the file needs FileReaderSync (a Web Worker)');
  return new Uint8Array(new Reader().readAsArrayBuffer(b));
}
