/** Messages between the page's downloads module and the export worker (typed both ways). */
import type { Annotations } from '../../engine/export/h5ad-stream.ts';
import type { AnnotateOptions } from '../../engine/types.ts';
import type { GeneTable } from '../../engine/models/registry.ts';

/** Where a streamed .h5ad is written first: OPFS when it has room ('auto'), else front to back twice. */
export type H5adStaging = 'auto' | 'replay' | 'blob';

export type ExportKind = 'labels' | 'decision' | 'probability' | 'proportions' | 'h5ad' | 'h5ad-light';

/**
 * Where the bytes go: 'stream' — chunks posted to the page, which writes them to the file the user
 * picked (File System Access) or to its service worker's download stream, and acknowledges each;
 * 'file' — the worker stages the file (OPFS or a Blob assembled from chunk Blobs) and posts it
 * for a normal download.
 */
export type Delivery = 'stream' | 'file';

/** The run an export is made from (the page keeps no matrices: they are rescored). */
export interface ExportRun {
  file: File;
  /** Every file of the input (a .mtx with its names, a Cell Ranger folder); default [file]. */
  files?: File[];
  /** CellTypist's --transpose-input for count tables (as the run). */
  transpose_input?: boolean;
  annotations: Annotations;
  model: Uint8Array;
  modelName: string;
  modelVersion: string;
  options: AnnotateOptions;
  geneTable?: GeneTable;
  idTable?: GeneTable;
}

export interface ExportRequest extends ExportRun {
  type: 'export';
  id: number;
  kind: ExportKind;
  delivery: Delivery;
  /** Staging for 'file' delivery: 'auto' (OPFS when the browser has it, else Blobs), or as the page chose. */
  staging?: 'auto' | 'opfs' | 'blob';
  /** For a streamed .h5ad: staged on OPFS when it takes the file ('auto'), Blobs, or written twice front to back. */
  h5ad?: H5adStaging;
  /** The page's estimate of the file's size (bytes), for the room asked of the storage. */
  estimate?: number;
  /** Tests: OPFS refuses to hold more than this many bytes (a private window's small quota, made deterministic). */
  test_quota?: number;
  /** For 'proportions': the finished table (small: groups × cell types). */
  text?: string;
}

export type ExportIn = ExportRequest | { type: 'ack'; id: number } | { type: 'cancel'; id: number };

export type ExportOut =
  | { type: 'progress'; id: number; fraction: number; message: string }
  | { type: 'chunk'; id: number; bytes: Uint8Array }
  | { type: 'file'; id: number; blob: Blob; staging: 'opfs' | 'blob' }
  /** `via`: how the file was built ('stream', 'opfs', 'blob', 'replay'). */
  | { type: 'done'; id: number; bytes: number; warnings: string[]; via: string }
  | { type: 'error'; id: number; code: string; message: string };
