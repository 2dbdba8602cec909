/**
 * Cell-major chunks from counts known in advance. The first pass over any format counts the
 * nonzeros of every cell, so a chunk's arrays are allocated exactly and filled in whatever order
 * the entries come (counting sort). Gene-major inputs are re-ordered by a two-pass bucket sort:
 * pass 2 writes each entry into the region of its bucket of cells in a Spill (temporary file),
 * and a chunk reads back only its buckets. Memory: per-cell counts + buffers + one bucket.
 */
import type { CsrChunk } from '../h5ad/read.ts';
import type { Spill } from './spill.ts';

/** End of the chunk starting at `start`: ≤ maxRows cells and ≤ nnzBudget nonzeros (at least one cell). */
export function chunkEndByCounts(cellNnz: Int32Array, start: number, maxRows: number, nnzBudget: number): number {
  const end = Math.min(cellNnz.length, start + maxRows);
  let r = start + 1;
  let nnz = cellNnz[start] ?? 0;
  while (r < end && nnz + cellNnz[r] <= nnzBudget) nnz += cellNnz[r++];
  return Math.min(r, cellNnz.length);
}

/** A chunk of cells [start, end) being filled entry by entry, in any order. */
export class ChunkBuilder {
  readonly data: Float32Array;
  readonly indices: Int32Array;
  readonly indptr: Int32Array;
  private readonly fill: Int32Array;

  constructor(
    cellNnz: Int32Array,
    readonly start: number,
    readonly end: number,
    readonly nCols: number,
  ) {
    const n = end - start;
    this.indptr = new Int32Array(n + 1);
    for (let r = 0; r < n; r++) this.indptr[r + 1] = this.indptr[r] + cellNnz[start + r];
    this.data = new Float32Array(this.indptr[n]);
    this.indices = new Int32Array(this.indptr[n]);
    this.fill = this.indptr.slice(0, n);
  }

  /** One entry of cell `cell` (absolute index). */
  add(cell: number, gene: number, value: number): void {
    const k = this.fill[cell - this.start]++;
    this.data[k] = value;
    this.indices[k] = gene;
  }

  /** The chunk, with rows sorted by gene and duplicate entries summed (as scipy does). */
  done(): CsrChunk {
    const n = this.end - this.start;
    let { data, indices } = this;
    const indptr = this.indptr;
    let dup = false;
    for (let r = 0; r < n; r++) {
      const a = indptr[r];
      const b = indptr[r + 1];
      let sorted = true;
      for (let k = a + 1; k < b; k++) {
        if (indices[k] <= indices[k - 1]) {
          sorted = false;
          break;
        }
      }
      if (sorted) continue;
      const order = Array.from({ length: b - a }, (_, i) => a + i).sort((x, y) => indices[x] - indices[y]);
      const vi = order.map((k) => indices[k]);
      const vd = order.map((k) => data[k]);
      for (let i = 0; i < vi.length; i++) {
        indices[a + i] = vi[i];
        data[a + i] = vd[i];
        if (i > 0 && vi[i] === vi[i - 1]) dup = true;
      }
    }
    if (dup) ({ data, indices } = mergeDuplicates(data, indices, indptr));
    return { n_rows: n, n_cols: this.nCols, data, indices, indptr };
  }
}

function mergeDuplicates(data: Float32Array, indices: Int32Array, indptr: Int32Array) {
  const d: number[] = [];
  const ix: number[] = [];
  const n = indptr.length - 1;
  for (let r = 0, start = 0; r < n; r++) {
    for (let k = start; k < indptr[r + 1]; k++) {
      if (k > start && indices[k] === ix[ix.length - 1] && ix.length > indptr[r]) d[d.length - 1] += data[k];
      else {
        d.push(data[k]);
        ix.push(indices[k]);
      }
    }
    start = indptr[r + 1];
    indptr[r + 1] = ix.length;
  }
  return { data: Float32Array.from(d), indices: Int32Array.from(ix) };
}

const ENTRY = 12; // int32 cell, int32 gene, float32 value
const BUFFER_BYTES = 16 << 20;

/** Gene-major entries re-ordered by cell through a Spill (two-pass bucket sort). */
export class BucketedCells {
  /** First cell of each bucket, and one past the last. */
  private readonly bounds: number[] = [0];
  /** Byte offset of each bucket in the spill. */
  private readonly offsets: number[] = [0];
  private readonly bucketOf: Int32Array;
  private readonly pending: { buf: ArrayBuffer; i32: Int32Array; f32: Float32Array; n: number; written: number }[];
  private readonly capacity: number;
  private cache: { bucket: number; i32: Int32Array; f32: Float32Array } | null = null;

  constructor(
    private readonly cellNnz: Int32Array,
    private readonly nCols: number,
    private readonly spill: Spill,
    bucketCells = 4096,
    bucketEntries = 2_000_000,
  ) {
    const n = cellNnz.length;
    this.bucketOf = new Int32Array(n);
    let entries = 0;
    for (let c = 0; c < n; c++) {
      const b = this.bounds.length - 1;
      if (c > this.bounds[b] && (c - this.bounds[b] >= bucketCells || entries + cellNnz[c] > bucketEntries)) {
        this.bounds.push(c);
        this.offsets.push(this.offsets[this.offsets.length - 1] + entries * ENTRY);
        entries = 0;
      }
      this.bucketOf[c] = this.bounds.length - 1;
      entries += cellNnz[c];
    }
    this.bounds.push(n);
    this.offsets.push(this.offsets[this.offsets.length - 1] + entries * ENTRY);
    const nb = this.bounds.length - 1;
    this.capacity = Math.max(1024, Math.floor(BUFFER_BYTES / ENTRY / nb));
    this.pending = Array.from({ length: nb }, () => {
      const buf = new ArrayBuffer(0);
      return { buf, i32: new Int32Array(buf), f32: new Float32Array(buf), n: 0, written: 0 };
    });
  }

  /** Pass 2: one entry (any order). */
  add(cell: number, gene: number, value: number): void {
    const p = this.pending[this.bucketOf[cell]];
    if (p.buf.byteLength === 0) {
      p.buf = new ArrayBuffer(this.capacity * ENTRY);
      p.i32 = new Int32Array(p.buf);
      p.f32 = new Float32Array(p.buf);
    }
    const k = 3 * p.n++;
    p.i32[k] = cell;
    p.i32[k + 1] = gene;
    p.f32[k + 2] = value;
    if (p.n === this.capacity) this.flush(this.bucketOf[cell]);
  }

  private flush(b: number): void {
    const p = this.pending[b];
    if (p.n === 0) return;
    this.spill.write(this.offsets[b] + p.written, new Uint8Array(p.buf, 0, p.n * ENTRY));
    p.written += p.n * ENTRY;
    p.n = 0;
  }

  /** End of pass 2: everything written, buffers freed. */
  finish(): void {
    for (let b = 0; b < this.pending.length; b++) {
      this.flush(b);
      const p = this.pending[b];
      p.buf = new ArrayBuffer(0);
    }
  }

  readRows(start: number, end: number): CsrChunk {
    const out = new ChunkBuilder(this.cellNnz, start, end, this.nCols);
    if (end <= start) return out.done();
    for (let b = this.bucketOf[start]; b <= this.bucketOf[end - 1]; b++) {
      const { i32, f32 } = this.bucket(b);
      for (let k = 0; k < i32.length; k += 3) {
        const c = i32[k];
        if (c >= start && c < end) out.add(c, i32[k + 1], f32[k + 2]);
      }
    }
    return out.done();
  }

  private bucket(b: number) {
    if (this.cache?.bucket === b) return this.cache;
    const bytes = this.spill.read(this.offsets[b], this.offsets[b + 1] - this.offsets[b]);
    const copy = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    this.cache = { bucket: b, i32: new Int32Array(copy.buffer, copy.byteOffset, copy.length / 4), f32: new Float32Array(copy.buffer, copy.byteOffset, copy.length / 4) };
    return this.cache;
  }

  close(): void {
    this.cache = null;
    this.spill.close();
  }
}
