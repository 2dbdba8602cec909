/**
 * Streams a matrix's row chunks into the wasm heap: read (CSR, CSC or dense, via the reader),
 * refuse NaN/Inf, copy into reused HeapBuffers, normalize raw counts in place when asked. The
 * callback gets heap pointers (int32 chunk-relative indptr) valid until it returns. Memory is one
 * chunk, bounded by rows and nonzeros; the buffers are freed at the end, also on error.
 */
import type { MatrixSource } from '../h5ad/read.ts';
import type { MatrixReader } from '../formats/reader.ts';
import { CellTypistError } from '../types.ts';
import type { CoreModule } from './core.ts';
import { HeapBuffer } from './heap.ts';

export interface HeapChunk {
  /** First and one-past-last row. */
  start: number;
  end: number;
  rows: number;
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

/** Yields to the event loop so that progress events and cancellation get through. */
const tick = () => new Promise<void>((r) => setTimeout(r, 0));

export async function forEachHeapChunk(
  core: CoreModule,
  reader: MatrixReader,
  source: MatrixSource,
  options: HeapChunkOptions,
  fn: (c: HeapChunk) => void | Promise<void>,
): Promise<void> {
  const n = reader.matrix(source).n_rows;
  const chunkRows = Math.max(1, options.chunk_rows ?? 4096);
  const data = new HeapBuffer(core, 'f32');
  const indices = new HeapBuffer(core, 'i32');
  const indptr = new HeapBuffer(core, 'i32');
  try {
    for (let start = 0, end = 0; start < n; start = end) {
      if (options.signal?.aborted) throw new CellTypistError('cancelled', options.cancelled_message ?? 'cancelled');
      end = reader.chunkEnd(source, start, chunkRows, options.nnz_budget ?? 2_000_000);
      const rows = end - start;
      const chunk = reader.readRows(source, start, end);
      for (let i = 0; i < chunk.data.length; i++) {
        if (!Number.isFinite(chunk.data[i])) {
          throw new CellTypistError('nan_values', `the expression matrix has NaN or infinite values (first in cell ${start + 1}): remove or replace them and save the file again`);
        }
      }
      // Allocate first: malloc may grow memory and detach earlier views.
      const pData = data.ensure(chunk.data.length);
      const pIdx = indices.ensure(chunk.indices.length);
      const pPtr = indptr.ensure(rows + 1);
      (data.view(chunk.data.length) as Float32Array).set(chunk.data);
      (indices.view(chunk.indices.length) as Int32Array).set(chunk.indices);
      (indptr.view(rows + 1) as Int32Array).set(chunk.indptr);
      if (options.normalize) {
        try {
          core.normalize_log1p(pData, pPtr, rows);
        } catch (e) {
          throw new CellTypistError('bad_counts', `cannot normalize the counts of cells ${start + 1}-${end}: ${(e as Error).message}`);
        }
      }
      await fn({ start, end, rows, data: pData, indices: pIdx, indptr: pPtr });
      await tick();
    }
  } finally {
    for (const b of [data, indices, indptr]) b.free();
  }
}
