/**
 * Streams a matrix's row chunks into the wasm heap: read (CSR, CSC or dense, via the reader),
 * copy into reused HeapBuffers, refuse NaN/Inf and normalize raw counts in place when asked (both
 * in the core). The callback gets heap pointers (int32 chunk-relative indptr) valid until it
 * returns. Memory is one chunk (two when pipelined), bounded by rows and nonzeros; the buffers
 * are freed at the end, also on error.
 */
import type { MatrixSource } from '../h5ad/read.ts';
import type { MatrixReader } from '../formats/reader.ts';
import { CellTypistError } from '../types.ts';
import type { CoreModule } from './core.ts';
import { HeapBuffer } from './heap.ts';
import { yieldToEventLoop } from './yield.ts';

export interface HeapChunk {
  /** First and one-past-last row. */
  start: number;
  end: number;
  rows: number;
  /** Nonzeros (length of data and indices). */
  nnz: number;
  /** Heap pointers: float32 data, int32 indices, int32 indptr (rows + 1). */
  data: number;
  indices: number;
  indptr: number;
}

export interface HeapChunkOptions {
  /** Rows per chunk (default 4096). */
  chunk_rows?: number;
  /** Nonzeros per chunk (default 2M): bounds memory for dense-ish data. */
  nnz_budget?: number;
  /** normalize_total(1e4) + log1p in place (raw counts). */
  normalize?: boolean;
  signal?: AbortSignal;
  /** What to say when cancelled. */
  cancelled_message?: string;
}


/** One chunk's heap buffers (float32 data, int32 indices, int32 chunk-relative indptr), reused chunk after chunk. */
export class ChunkBuffers {
  private readonly data: HeapBuffer;
  private readonly indices: HeapBuffer;
  private readonly indptr: HeapBuffer;

  constructor(private readonly core: CoreModule) {
    this.data = new HeapBuffer(core, 'f32');
    this.indices = new HeapBuffer(core, 'i32');
    this.indptr = new HeapBuffer(core, 'i32');
  }

  /** Reads rows [start, end) into the heap (no checks, no normalization). */
  load(reader: MatrixReader, source: MatrixSource, start: number, end: number): HeapChunk {
    const rows = end - start;
    const direct = this.loadDirect(reader, source, start, end);
    if (direct) return direct;
    // Views are fine: copied into the heap below before anything else is read.
    const chunk = reader.readRowsView ? reader.readRowsView(source, start, end) : reader.readRows(source, start, end);
    // Allocate first: malloc may grow memory and detach earlier views.
    const pData = this.data.ensure(chunk.data.length);
    const pIdx = this.indices.ensure(chunk.indices.length);
    const pPtr = this.indptr.ensure(rows + 1);
    (this.data.view(chunk.data.length) as Float32Array).set(chunk.data);
    (this.indices.view(chunk.indices.length) as Int32Array).set(chunk.indices);
    (this.indptr.view(rows + 1) as Int32Array).set(chunk.indptr);
    return { start, end, rows, nnz: chunk.data.length, data: pData, indices: pIdx, indptr: pPtr };
  }

  /** Rows read from the file straight into the heap, when the reader can (the direct h5ad reader). */
  private loadDirect(reader: MatrixReader, source: MatrixSource, start: number, end: number): HeapChunk | null {
    if (!reader.readRowsInto) return null;
    const rows = end - start;
    let nnz = 0;
    const indptr = reader.readRowsInto(source, start, end, (n) => {
      nnz = n;
      // Allocate all three first: malloc may grow memory and detach earlier views.
      this.data.ensure(n);
      this.indices.ensure(n);
      this.indptr.ensure(rows + 1);
      const bytes = (b: HeapBuffer) => {
        const v = b.view(n);
        return new Uint8Array(v.buffer, v.byteOffset, n * 4);
      };
      return { data: bytes(this.data), indices: bytes(this.indices) };
    });
    if (!indptr) return null;
    const read = indptr.length - 1; // rows read: `end` past the matrix's last row is clamped
    const pData = this.data.ensure(nnz);
    const pIdx = this.indices.ensure(nnz);
    const pPtr = this.indptr.ensure(read + 1);
    (this.indptr.view(read + 1) as Int32Array).set(indptr);
    return { start, end: start + read, rows: read, nnz, data: pData, indices: pIdx, indptr: pPtr };
  }

  /** The chunk row holding nonzero `k` (for messages). */
  rowOf(c: HeapChunk, k: number): number {
    const ptr = this.indptr.view(c.rows + 1) as Int32Array;
    let r = 0;
    while (r < c.rows && ptr[r + 1] <= k) r++;
    return r;
  }

  free(): void {
    for (const b of [this.data, this.indices, this.indptr]) b.free();
  }
}

/** The message for a NaN/Inf in cell `cell` (0-based, whole matrix). */
export function nonFiniteError(cell: number): CellTypistError {
  return new CellTypistError('nan_values', `the expression matrix has NaN or infinite values (first in cell ${cell + 1}): remove or replace them and save the file again`);
}

/** The message for counts that cannot be normalized in cells [start, end). */
export function badCountsError(start: number, end: number, message: string): CellTypistError {
  return new CellTypistError('bad_counts', `cannot normalize the counts of cells ${start + 1}-${end}: ${message}`);
}

/**
 * The end of the chunk starting at `start` and its rows' reading ahead (when the reader can):
 * started before the previous chunk is worked on, awaited before this one is loaded.
 */
function planChunk(reader: MatrixReader, source: MatrixSource, start: number, chunkRows: number, nnzBudget: number): { end: number; ready?: Promise<void> } {
  const end = reader.chunkEnd(source, start, chunkRows, nnzBudget);
  return { end, ready: reader.prefetchRows?.(source, start, end) };
}

export async function forEachHeapChunk(
  core: CoreModule,
  reader: MatrixReader,
  source: MatrixSource,
  options: HeapChunkOptions,
  fn: (c: HeapChunk) => void | Promise<void>,
): Promise<void> {
  const n = reader.matrix(source).n_rows;
  const chunkRows = Math.max(1, options.chunk_rows ?? 4096);
  const nnzBudget = options.nnz_budget ?? 2_000_000;
  const buffers = new ChunkBuffers(core);
  try {
    let ahead = n > 0 ? planChunk(reader, source, 0, chunkRows, nnzBudget) : null;
    for (let start = 0, end = 0; start < n; start = end) {
      if (options.signal?.aborted) throw new CellTypistError('cancelled', options.cancelled_message ?? 'cancelled');
      end = ahead!.end;
      await ahead!.ready;
      const c = buffers.load(reader, source, start, end);
      const bad = core.first_non_finite(c.data, c.nnz);
      if (bad < c.nnz) throw nonFiniteError(start + buffers.rowOf(c, bad));
      ahead = end < n ? planChunk(reader, source, end, chunkRows, nnzBudget) : null;
      if (options.normalize) {
        try {
          core.normalize_log1p(c.data, c.indptr, c.rows);
        } catch (e) {
          throw badCountsError(start, end, (e as Error).message);
        }
      }
      await fn(c);
      await yieldToEventLoop(); // progress events and cancellation get through
    }
  } finally {
    buffers.free();
  }
}

/**
 * Chunk after chunk with the next chunk read while the previous one is worked on in the
 * background (two buffer sets, `slot` 0 or 1). Per chunk, in this order: `begin` (start the
 * background work; chunk i + 1 is read meanwhile), `settle` (wait for it, before the next begin),
 * `finish` (use its results; runs while chunk i + 1 is worked on). No NaN check or normalization
 * here: the background work does them. A chunk's buffers stay valid until its finish returns.
 */
export async function pipelineHeapChunks(
  core: CoreModule,
  reader: MatrixReader,
  source: MatrixSource,
  options: Omit<HeapChunkOptions, 'normalize'>,
  steps: {
    begin: (c: HeapChunk, slot: number) => void;
    settle: (c: HeapChunk, slot: number) => Promise<void>;
    /** Waits (blocking) for a chunk begun and not settled, after an error: its buffers are freed next. */
    abandon: (c: HeapChunk, slot: number) => void;
    finish: (c: HeapChunk, slot: number) => void | Promise<void>;
  },
): Promise<void> {
  const n = reader.matrix(source).n_rows;
  const chunkRows = Math.max(1, options.chunk_rows ?? 4096);
  const nnzBudget = options.nnz_budget ?? 2_000_000;
  const sets = [new ChunkBuffers(core), new ChunkBuffers(core)];
  /** The chunk whose background work was begun and not yet settled. */
  let running: { c: HeapChunk; slot: number } | null = null;
  const settle = async () => {
    const r = running!;
    running = null;
    await steps.settle(r.c, r.slot);
    return r;
  };
  try {
    let ahead = n > 0 ? planChunk(reader, source, 0, chunkRows, nnzBudget) : null;
    for (let start = 0, end = 0, k = 0; start < n; start = end, k++) {
      if (options.signal?.aborted) throw new CellTypistError('cancelled', options.cancelled_message ?? 'cancelled');
      end = ahead!.end;
      await ahead!.ready;
      const c = sets[k % 2].load(reader, source, start, end);
      ahead = end < n ? planChunk(reader, source, end, chunkRows, nnzBudget) : null;
      const prev = running ? await settle() : null;
      steps.begin(c, k % 2);
      running = { c, slot: k % 2 };
      if (prev) await steps.finish(prev.c, prev.slot);
      await yieldToEventLoop(); // progress events and cancellation get through
    }
    if (running) {
      const last = await settle();
      await steps.finish(last.c, last.slot);
    }
  } finally {
    // Never free buffers that background work still reads: wait for it (its errors are moot now).
    const left = running as { c: HeapChunk; slot: number } | null;
    if (left) {
      try {
        steps.abandon(left.c, left.slot);
      } catch {
        /* the first error is the one reported */
      }
    }
    for (const b of sets) b.free();
  }
}
