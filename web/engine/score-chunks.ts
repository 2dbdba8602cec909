/**
 * The core's work on the chunks of an annotation run, started in the background (threaded build)
 * so that the next chunk is read meanwhile: NaN/Inf check, normalization of raw counts, scores,
 * and the matrix tables' CSV rows, all in one core call per chunk (predictor.start_chunk). Owns
 * the output heap buffers of the two pipeline slots; free() when done.
 */
import { badCountsError, type HeapChunk, nonFiniteError } from './wasm/heap-chunks.ts';
import type { ChunkStatus, CoreModule, CorePredictor } from './wasm/core.ts';
import { HeapBuffer, refreshHeapViews } from './wasm/heap.ts';
import { encodeIds, type MatrixTable } from './export/csv-stream.ts';
import { CellTypistError } from './types.ts';

export interface ChunkScorerOptions {
  n_labels: number;
  /** Row ids of the whole matrix (the tables' first column). */
  cell_ids: readonly string[];
  /** Tables whose CSV rows the core formats (none: scores only). */
  tables: readonly MatrixTable[];
  /** Raw counts: normalize in the core before scoring. */
  normalize: boolean;
  /** Threads of the background work (1 in the SIMD-only build). */
  n_threads: number;
  /** Rows of the whole matrix: a chunk that is all of it is scored at once (nothing to overlap). */
  n_rows: number;
}

/** Heap outputs of one pipeline slot. */
class SlotBuffers {
  readonly decision: HeapBuffer;
  readonly probability: HeapBuffer;
  readonly ids: HeapBuffer;
  readonly idOffsets: HeapBuffer;
  readonly csv: Record<MatrixTable, HeapBuffer>;
  status: ChunkStatus | null = null;

  constructor(core: CoreModule) {
    this.decision = new HeapBuffer(core, 'f64');
    this.probability = new HeapBuffer(core, 'f64');
    this.ids = new HeapBuffer(core, 'u8');
    this.idOffsets = new HeapBuffer(core, 'i32');
    this.csv = { decision_matrix: new HeapBuffer(core, 'u8'), probability_matrix: new HeapBuffer(core, 'u8') };
  }

  free(): void {
    for (const b of [this.decision, this.probability, this.ids, this.idOffsets, this.csv.decision_matrix, this.csv.probability_matrix]) b.free();
  }
}

/** Atomics.waitAsync (ES2024; Node 16+, Chromium 87+), where it exists. */
const waitAsync = (Atomics as unknown as { waitAsync?: (a: Int32Array, i: number, v: number, ms: number) => { async: boolean; value: unknown } }).waitAsync;

export class ChunkScorer {
  private readonly slots: SlotBuffers[];

  constructor(
    private readonly core: CoreModule,
    private readonly predictor: CorePredictor,
    private readonly options: ChunkScorerOptions,
  ) {
    this.slots = [new SlotBuffers(core), new SlotBuffers(core)];
  }

  /** Starts the core on chunk `c` (its inputs in the heap), results into `slot`. */
  begin(c: HeapChunk, slot: number): void {
    const s = this.slots[slot];
    const L = this.options.n_labels;
    const tables = this.options.tables;
    const ids = tables.length > 0 ? encodeIds(this.options.cell_ids.slice(c.start, c.end)) : null;
    // Allocate everything first: a malloc may grow the memory and detach earlier views.
    const pDec = s.decision.ensure(c.rows * L);
    const pProb = s.probability.ensure(c.rows * L);
    let pIds = 0;
    let pOff = 0;
    const pCsv: Record<MatrixTable, number> = { decision_matrix: 0, probability_matrix: 0 };
    if (ids) {
      pIds = s.ids.ensure(ids.bytes.length);
      pOff = s.idOffsets.ensure(c.rows + 1);
      const capacity = this.core.csv_rows_capacity(c.rows, L, ids.bytes.length);
      for (const t of tables) pCsv[t] = s.csv[t].ensure(capacity);
      (s.ids.view(ids.bytes.length) as Uint8Array).set(ids.bytes);
      new Uint32Array(this.core.HEAPU8.buffer, pOff, c.rows + 1).set(ids.offsets);
    }
    s.status = null;
    const run = c.start === 0 && c.end === this.options.n_rows ? this.predictor.run_chunk : this.predictor.start_chunk;
    run.call(this.predictor, c.data, c.indices, c.indptr, c.rows, this.options.normalize, pDec, pProb, pIds, pOff, pCsv.decision_matrix, pCsv.probability_matrix, this.options.n_threads);
  }

  /**
   * Waits for the chunk of `slot` without blocking the thread (a blocked thread would take a core
   * from the work it waits for), then throws its error as the one clear message.
   */
  async settle(c: HeapChunk, slot: number): Promise<void> {
    while (!this.predictor.chunk_done()) await this.nextProgress();
    this.settleNow(c, slot);
  }

  /**
   * Resolves when a block of the running chunk finishes: woken by the core (Atomics.waitAsync on
   * its shared memory) as soon as it happens, where a 1 ms poll left the threads idle ~1 ms per
   * chunk. Polls where the memory is not shared or waitAsync is missing; 50 ms at most either way.
   */
  private async nextProgress(): Promise<void> {
    refreshHeapViews(this.core); // the memory may have grown since the views were made
    const buffer = this.core.HEAPU8.buffer;
    const address = this.predictor.chunk_progress_address();
    if (!waitAsync || typeof SharedArrayBuffer === 'undefined' || !(buffer instanceof SharedArrayBuffer) || address + 4 > buffer.byteLength) {
      await new Promise((r) => setTimeout(r, 1));
      return;
    }
    const at = address >> 2;
    const heap = new Int32Array(buffer);
    const seen = Atomics.load(heap, at);
    if (this.predictor.chunk_done()) return;
    const w = waitAsync(heap, at, seen, 50);
    if (!w.async) return;
    // A pending waitAsync does not keep Node's event loop alive (the workers are unref'd): a timer does.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([w.value, new Promise((r) => (timer = setTimeout(r, 50)))]);
    clearTimeout(timer);
  }

  /** settle() for a chunk known to be done, or when blocking does not matter (cleanup). */
  settleNow(c: HeapChunk, slot: number): void {
    const status = this.predictor.finish_chunk();
    refreshHeapViews(this.core);
    this.slots[slot].status = status;
    if (status.error === 'non_finite') throw nonFiniteError(c.start + status.row);
    if (status.error === 'bad_counts') throw badCountsError(c.start, c.end, status.message);
    if (status.error === 'failed') throw new CellTypistError('predict_failed', status.message);
  }

  /** Heap pointers of a settled slot's decision and probability matrices (rows × labels). */
  pointers(slot: number): { decision: number; probability: number } {
    const s = this.slots[slot];
    return { decision: s.decision.address, probability: s.probability.address };
  }

  /** Views of a settled slot's matrices (valid until the next allocation). */
  scores(slot: number, rows: number): { decision: Float64Array; probability: Float64Array } {
    const s = this.slots[slot];
    const n = rows * this.options.n_labels;
    return { decision: s.decision.view(n) as Float64Array, probability: s.probability.view(n) as Float64Array };
  }

  /** A settled slot's CSV rows of `table` (a heap view, valid until the next allocation). */
  tableBytes(slot: number, table: MatrixTable): Uint8Array {
    const s = this.slots[slot];
    const bytes = table === 'decision_matrix' ? s.status!.decision_bytes : s.status!.probability_bytes;
    return s.csv[table].view(bytes) as Uint8Array;
  }

  free(): void {
    for (const s of this.slots) s.free();
  }
}
