/**
 * Chunked storage of a 1-D or 2-D dataset (spec III.A.1, version 1 B-tree of type 1): finds the
 * chunks, reads element ranges across them, and undoes gzip and shuffle. Unfiltered 1-D chunks
 * that lie back to back in the file (as h5py appends them) are read with one call.
 */
import { CellTypistError } from '../../types.ts';
import { Cursor, FILTER_DEFLATE, FILTER_SHUFFLE, type PositionalReader, unshuffle, Unsupported } from './format.ts';

/** Where a chunk is stored: its address, its stored (maybe compressed) size, the filters it skipped (bit i: filter i). */
interface Chunk {
  address: number;
  size: number;
  mask: number;
}

const missing = () => new CellTypistError('corrupt_h5ad', 'the h5ad file lacks a block of its data: it is truncated or corrupt; export it again');

export class ChunkedStorage {
  private index: Map<number, Chunk> | null = null;
  /** The last chunk decoded: consecutive reads share their boundary chunk. */
  private last: { k: number; bytes: Uint8Array } | null = null;
  /** Chunks along each dimension. */
  private readonly grid: number[];
  private readonly chunkBytes: number;

  /**
   * @param read metadata reads (through the file's page cache)
   * @param filters filter ids in the order the writer applied them
   */
  constructor(
    private readonly file: PositionalReader,
    private readonly read: (at: number, n: number) => Uint8Array,
    private readonly btree: number,
    private readonly chunk: number[],
    private readonly shape: number[],
    private readonly elementSize: number,
    private readonly filters: number[],
  ) {
    if (chunk.length !== shape.length || chunk.length < 1 || chunk.length > 2 || chunk.some((c) => c < 1)) {
      throw new Unsupported('chunked datasets of more than two dimensions');
    }
    if (filters.some((f) => f !== FILTER_DEFLATE && f !== FILTER_SHUFFLE)) throw new Unsupported('filters other than gzip and shuffle');
    if (filters.includes(FILTER_DEFLATE) && !file.inflate) throw new Unsupported('gzip-compressed data without zlib');
    this.grid = shape.map((n, d) => Math.ceil(n / chunk[d]));
    this.chunkBytes = chunk.reduce((p, c) => p * c, elementSize);
  }

  /** Throws `Unsupported` unless every chunk was written and lies within the file (else h5wasm reads it). */
  checkReadable(): void {
    const n = this.grid.reduce((p, g) => p * g, 1);
    const index = this.chunks();
    for (let k = 0; k < n; k++) {
      const c = index.get(k);
      const stored = this.filters.length ? (c?.size ?? 0) : this.chunkBytes;
      if (!c || c.address + stored > this.file.size) throw new Unsupported('a chunk never written or beyond the end of the file');
    }
  }

  /** Elements [lo, hi) of the row-major flattened dataset into `dest`. */
  readElements(lo: number, hi: number, dest: Uint8Array): void {
    if (this.shape.length === 1) {
      if (this.filters.length) this.copyRow(0, lo, hi, dest, 0);
      else this.readRuns(lo, hi, dest);
      return;
    }
    // 2-D: row by row, each row across its chunks.
    const width = this.shape[1];
    const size = this.elementSize;
    for (let at = lo; at < hi; ) {
      const r = Math.floor(at / width);
      const end = Math.min(hi, (r + 1) * width);
      this.copyRow(r, at - r * width, end - r * width, dest, (at - lo) * size);
      at = end;
    }
  }

  /**
   * Elements [lo, hi) in a buffer of their own: one file read handed over as it is when they lie
   * in one run of unfiltered 1-D chunks (no copy), else decoded into a new buffer.
   */
  readOwned(lo: number, hi: number): Uint8Array {
    const size = this.elementSize;
    if (this.file.read && this.shape.length === 1 && !this.filters.length && hi > lo && this.runEnd(lo, hi) === hi) {
      const per = this.chunk[0];
      const k = Math.floor(lo / per);
      return this.file.read(this.chunks().get(k)!.address + (lo - k * per) * size, (hi - lo) * size);
    }
    const out = new Uint8Array((hi - lo) * size);
    if (hi > lo) this.readElements(lo, hi, out);
    return out;
  }

  /**
   * The file extents [offset, length] that readElements(lo, hi) of a 1-D dataset reads, in order
   * (adjacent ones merged, as readRuns reads them); none for 2-D datasets. For reading ahead.
   */
  fileExtents(lo: number, hi: number): Array<[number, number]> {
    if (this.shape.length !== 1 || hi <= lo) return [];
    const per = this.chunk[0];
    const size = this.elementSize;
    const out: Array<[number, number]> = [];
    for (let k = Math.floor(lo / per); k * per < hi; k++) {
      const c = this.chunks().get(k);
      if (!c) return [];
      if (this.filters.length) {
        if (this.last?.k !== k) out.push([c.address, c.size]); // a stored chunk is read whole
        continue;
      }
      const from = c.address + (Math.max(lo, k * per) - k * per) * size;
      const to = c.address + (Math.min(hi, (k + 1) * per) - k * per) * size;
      const prev = out[out.length - 1];
      if (prev && prev[0] + prev[1] === from) prev[1] += to - from;
      else out.push([from, to - from]);
    }
    return out;
  }

  /** Columns [c0, c1) of row `r` (a 1-D dataset: r = 0) into dest at byte `into`. */
  private copyRow(r: number, c0: number, c1: number, dest: Uint8Array, into: number): void {
    const size = this.elementSize;
    const rank = this.shape.length;
    const cw = this.chunk[rank - 1];
    const kr = rank === 2 ? Math.floor(r / this.chunk[0]) : 0;
    const rowInChunk = rank === 2 ? r - kr * this.chunk[0] : 0;
    for (let c = c0; c < c1; ) {
      const kc = Math.floor(c / cw);
      const end = Math.min(c1, (kc + 1) * cw);
      const bytes = this.chunkData(kr * this.grid[rank - 1] + kc);
      const from = (rowInChunk * cw + (c - kc * cw)) * size;
      dest.set(bytes.subarray(from, from + (end - c) * size), into + (c - c0) * size);
      c = end;
    }
  }

  /** An unfiltered 1-D range: chunks stored back to back are read with one call. */
  private readRuns(lo: number, hi: number, dest: Uint8Array): void {
    const size = this.elementSize;
    const per = this.chunk[0];
    const index = this.chunks();
    for (let at = lo; at < hi; ) {
      const k = Math.floor(at / per);
      const runEnd = this.runEnd(at, hi);
      this.file.readInto(index.get(k)!.address + (at - k * per) * size, dest.subarray((at - lo) * size, (runEnd - lo) * size));
      at = runEnd;
    }
  }

  /** Where the run of back-to-back unfiltered 1-D chunks holding element `at` ends (at most `hi`). */
  private runEnd(at: number, hi: number): number {
    const per = this.chunk[0];
    const size = this.elementSize;
    const index = this.chunks();
    const k = Math.floor(at / per);
    const c = index.get(k);
    if (!c) throw missing();
    let end = Math.min(hi, (k + 1) * per);
    let expected = c.address + per * size;
    for (let next = k + 1; end < hi; next++) {
      const n = index.get(next);
      if (!n || n.address !== expected) break;
      end = Math.min(hi, (next + 1) * per);
      expected += per * size;
    }
    return end;
  }

  /** Chunk `k` (row-major over the chunk grid) as stored elements: read, filters undone in reverse order. */
  private chunkData(k: number): Uint8Array {
    if (this.last?.k === k) return this.last.bytes;
    const c = this.chunks().get(k);
    if (!c) throw missing();
    let bytes: Uint8Array = new Uint8Array(this.filters.length ? c.size : this.chunkBytes);
    this.file.readInto(c.address, bytes);
    for (let i = this.filters.length - 1; i >= 0; i--) {
      if (c.mask & (1 << i)) continue; // the writer skipped this filter for this chunk
      try {
        bytes = this.filters[i] === FILTER_DEFLATE ? this.file.inflate!(bytes) : unshuffle(bytes, this.elementSize);
      } catch {
        throw new CellTypistError('corrupt_h5ad', 'a compressed block of the h5ad file cannot be decompressed: the file is corrupt; export it again');
      }
    }
    if (bytes.length < this.chunkBytes) throw new CellTypistError('corrupt_h5ad', 'a compressed block of the h5ad file is shorter than it should be: the file is corrupt; export it again');
    this.last = { k, bytes };
    return bytes;
  }

  private chunks(): Map<number, Chunk> {
    if (!this.index) {
      const index = new Map<number, Chunk>();
      if (this.btree >= 0 && this.btree < Number.MAX_SAFE_INTEGER) this.walk(this.btree, index, new Set());
      this.index = index;
    }
    return this.index;
  }

  /** Collects the chunks of the B-tree node at `address`, keyed by their row-major grid index (each node once: a damaged tree may loop). */
  private walk(address: number, out: Map<number, Chunk>, seen: Set<number>): void {
    if (seen.has(address) || seen.size > 1_000_000) throw new Unsupported('a chunk B-tree that loops');
    seen.add(address);
    const rank = this.shape.length;
    const head = new Cursor(this.read(address, 24));
    head.signature('TREE');
    if (head.u8() !== 1) throw new Unsupported('a chunk B-tree of another type');
    const level = head.u8();
    const entries = head.u16();
    const keySize = 8 + 8 * (rank + 1);
    const body = new Cursor(this.read(address + 24, entries * (keySize + 8) + keySize));
    for (let i = 0; i < entries; i++) {
      const size = body.u32();
      const mask = body.u32();
      let key = 0;
      for (let d = 0; d < rank; d++) {
        const offset = body.u64();
        if (offset % this.chunk[d] !== 0) throw new Unsupported('a chunk offset off the chunk grid');
        key = key * this.grid[d] + offset / this.chunk[d];
      }
      body.skip(8); // the element dimension's offset (0)
      const child = body.u64();
      if (level > 0) this.walk(child, out, seen);
      else out.set(key, { address: child, size, mask });
    }
  }
}
