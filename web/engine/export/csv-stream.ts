/**
 * Chunked CSV producer for CellTypist's tables: bytes a chunk of cells at a time, never a
 * whole-table string. The matrices' numbers (the bulk of the bytes) are formatted in the C++
 * core as Python's repr(float) (shortest round-trip, what pandas writes), straight from the
 * wasm heap where the scores are; JS only quotes and encodes the row ids. Used by the CLI (files
 * written while cells are scored) and by anything that streams a download (the app's worker).
 * Output is byte-identical to csv.ts's matrixCsv/predictedLabelsCsv.
 */
import type { AnnotationResult } from '../types.ts';
import type { CoreModule } from '../wasm/core.ts';
import { HeapBuffer } from '../wasm/heap.ts';
import { csvField, pyFloat } from './csv.ts';

/** Row ids of a chunk, CSV-quoted and UTF-8 encoded once for every table of the chunk. */
export interface EncodedIds {
  bytes: Uint8Array;
  /** ids.length + 1 byte offsets into `bytes`. */
  offsets: Uint32Array;
}

const encoder = new TextEncoder();

export function encodeIds(ids: readonly string[]): EncodedIds {
  const quoted = ids.map(csvField);
  const offsets = new Uint32Array(quoted.length + 1);
  const joined = quoted.join('');
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(joined)) {
    // ASCII (the usual barcodes): one byte per character, one encode for the chunk.
    for (let i = 0; i < quoted.length; i++) offsets[i + 1] = offsets[i] + quoted[i].length;
    return { bytes: encoder.encode(joined), offsets };
  }
  const parts = quoted.map((s) => encoder.encode(s));
  for (let i = 0; i < parts.length; i++) offsets[i + 1] = offsets[i] + parts[i].length;
  const bytes = new Uint8Array(offsets[parts.length]);
  parts.forEach((p, i) => bytes.set(p, offsets[i]));
  return { bytes, offsets };
}

/** The header line of a cells × columns table (empty index name, as pandas). */
export function matrixHeader(columns: readonly string[]): Uint8Array {
  return encoder.encode([''].concat(columns).map(csvField).join(',') + '\n');
}

/**
 * Formats rows of a cells × columns matrix in the core. Owns three heap buffers (ids, offsets,
 * output) reused across chunks: call `free()` when done. Returned bytes are a view of the wasm
 * heap, valid until the next call (copy with `.slice()` to keep them).
 */
export class MatrixCsvFormatter {
  private readonly ids: HeapBuffer;
  private readonly offsets: HeapBuffer;
  private readonly out: HeapBuffer;
  private readonly values: HeapBuffer;

  constructor(
    private readonly core: CoreModule,
    readonly columns: readonly string[],
  ) {
    this.ids = new HeapBuffer(core, 'u8');
    this.offsets = new HeapBuffer(core, 'i32');
    this.out = new HeapBuffer(core, 'u8');
    this.values = new HeapBuffer(core, 'f64');
  }

  header(): Uint8Array {
    return matrixHeader(this.columns);
  }

  /** Rows whose row-major doubles are already in the heap at `valuesPtr` (one per id). */
  rowsAt(valuesPtr: number, ids: EncodedIds): Uint8Array {
    const rows = ids.offsets.length - 1;
    const cols = this.columns.length;
    // Allocate everything first: a malloc may grow the memory and detach earlier views.
    const pIds = this.ids.ensure(ids.bytes.length);
    const pOff = this.offsets.ensure(rows + 1);
    const pOut = this.out.ensure(this.core.csv_rows_capacity(rows, cols, ids.bytes.length));
    (this.ids.view(ids.bytes.length) as Uint8Array).set(ids.bytes);
    new Uint32Array(this.core.HEAPU8.buffer, pOff, rows + 1).set(ids.offsets);
    const n = this.core.write_csv_rows(valuesPtr, rows, cols, pIds, pOff, pOut);
    return this.core.HEAPU8.subarray(pOut, pOut + n);
  }

  /** Rows from a JS array (copied into the heap first). */
  rows(values: Float64Array, ids: EncodedIds): Uint8Array {
    const p = this.values.write(values);
    return this.rowsAt(p, ids);
  }

  free(): void {
    for (const b of [this.ids, this.offsets, this.out, this.values]) b.free();
  }
}

/** Cells per chunk of the generators below: bounded memory, few calls. */
export const CSV_CHUNK_ROWS = 4096;

/**
 * A whole matrix table from a result in memory, chunk by chunk: the header, then rows. Each
 * yielded view is valid until the next step of the iteration.
 */
export function* matrixCsvChunks(
  core: CoreModule,
  cellIds: readonly string[],
  columns: readonly string[],
  m: Float64Array,
  rowsPerChunk = CSV_CHUNK_ROWS,
): Generator<Uint8Array> {
  const f = new MatrixCsvFormatter(core, columns);
  try {
    yield f.header();
    const L = columns.length;
    for (let start = 0; start < cellIds.length; start += rowsPerChunk) {
      const end = Math.min(cellIds.length, start + rowsPerChunk);
      yield f.rows(m.subarray(start * L, end * L), encodeIds(cellIds.slice(start, end)));
    }
  } finally {
    f.free();
  }
}

/** predicted_labels.csv's columns for a result (CellTypist's to_table). */
function labelColumns(r: Pick<AnnotationResult, 'majority_voting'>): string[] {
  return ['predicted_labels', ...(r.majority_voting ? ['over_clustering', 'majority_voting'] : []), 'conf_score'];
}

/** predicted_labels.csv as text chunks (header, then `rowsPerChunk` cells per chunk). */
export function* predictedLabelsCsvChunks(
  r: Pick<AnnotationResult, 'cell_ids' | 'predicted_labels' | 'conf_score' | 'over_clustering' | 'majority_voting'>,
  rowsPerChunk = 65536,
): Generator<string> {
  yield [''].concat(labelColumns(r)).map(csvField).join(',') + '\n';
  for (let start = 0; start < r.cell_ids.length; start += rowsPerChunk) {
    const end = Math.min(r.cell_ids.length, start + rowsPerChunk);
    let text = '';
    for (let i = start; i < end; i++) {
      text += csvField(r.cell_ids[i]) + ',' + csvField(r.predicted_labels[i]);
      if (r.majority_voting) text += ',' + csvField(r.over_clustering![i]) + ',' + csvField(r.majority_voting[i]);
      text += ',' + pyFloat(r.conf_score[i]) + '\n';
    }
    yield text;
  }
}

/** Which matrix tables a streaming run writes. */
export type MatrixTable = 'decision_matrix' | 'probability_matrix';

/**
 * Receives table bytes while cells are scored (header first, then each chunk's rows, in cell
 * order). `bytes` is a view of the wasm heap valid only during the call: write or copy it.
 */
export interface MatrixTableSink {
  tables: readonly MatrixTable[];
  write(table: MatrixTable, bytes: Uint8Array): void;
  /** Awaited after each chunk's writes, when given: a sink that writes in the background bounds its backlog here. */
  drain?(): Promise<void>;
}

/** Streams scored chunks (decision and probability still in the heap) to a sink as CSV; the header goes at construction. */
export class ScoreCsvStreamer {
  private readonly formatter: MatrixCsvFormatter;

  constructor(
    core: CoreModule,
    labels: readonly string[],
    private readonly cellIds: readonly string[],
    private readonly sink: MatrixTableSink,
  ) {
    this.formatter = new MatrixCsvFormatter(core, labels);
    const header = this.formatter.header();
    for (const t of sink.tables) sink.write(t, header);
  }

  /** Rows [start, start + rows) with their scores at heap pointers (row-major cells × labels). */
  chunk(start: number, rows: number, decisionPtr: number, probabilityPtr: number): void {
    const ids = encodeIds(this.cellIds.slice(start, start + rows));
    for (const t of this.sink.tables) {
      this.sink.write(t, this.formatter.rowsAt(t === 'decision_matrix' ? decisionPtr : probabilityPtr, ids));
    }
  }

  free(): void {
    this.formatter.free();
  }
}
