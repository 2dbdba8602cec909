/**
 * Where an export's bytes go, chosen before it starts from what this browser offers (feature
 * detection, never its name) and the file's estimated size:
 * - the file the user picked (File System Access API), when asked for;
 * - small files: a Blob (in memory: fine for a few tens of MB anywhere);
 * - a download streamed through the page's service worker (no storage quota, nothing held in
 *   memory), where one runs;
 * - the origin-private file system (OPFS), only when the storage quota left covers the file;
 * - a Blob for medium files when nothing else is available;
 * - else a refusal that says why (the storage the browser allows is not a full disk) and what to do.
 * An .h5ad is written at positions (HDF5) before it is streamed: on OPFS where the worker finds
 * room for it (it tries: a private window's quota is reported larger than it is), else written
 * twice, front to back (engine/export/replay-file.ts).
 * Pure functions: tested without a browser (export-plan.test.ts).
 */
import type { ExportKind, H5adStaging } from './export-protocol.ts';

/** What the browser offers an export (export-capabilities.ts detects it). */
export interface ExportCaps {
  /** showSaveFilePicker exists and the user ticked “Ask where to save”. */
  picker: boolean;
  /** A service worker controls the page and streams downloads (it answered the page). */
  serviceWorker: boolean;
  /** The origin-private file system can be opened. */
  opfs: boolean;
  /** navigator.storage.estimate(), when the browser has it. */
  storage: { quota: number; usage: number } | null;
}

export type ExportPlan =
  /** Chunks to a writable (the picked file, or the service worker's download stream). */
  | { sink: 'picker' | 'service-worker'; h5ad: H5adStaging }
  /** Staged whole (OPFS file or Blob), then one normal download of it. */
  | { sink: 'opfs' | 'blob' }
  | { refuse: string };

/** Below this, Blobs are the simplest path in every browser. */
export const BLOB_SMALL = 32 * 1e6;
/** Above this, no Blob is built (a browser may hold it in memory, several times over). */
export const BLOB_MAX = 256 * 1e6;

export const mb = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : `${Math.max(1, Math.round(n / 1e6))} MB`);

/** Whether the storage left holds `bytes` with room to spare (the estimate may be low). */
export function quotaCovers(caps: ExportCaps, bytes: number): boolean {
  if (!caps.opfs || !caps.storage) return false;
  return caps.storage.quota - caps.storage.usage >= bytes * 1.15 + 64e6;
}

/** The Blob sizes (tests make them small, as they make the quota small). */
export interface BlobLimits {
  blobSmall?: number;
  blobMax?: number;
}

export function planExport(kind: ExportKind, estimate: number, caps: ExportCaps, limits: BlobLimits = {}): ExportPlan {
  const small = limits.blobSmall ?? BLOB_SMALL;
  const max = limits.blobMax ?? BLOB_MAX;
  // A streamed .h5ad is first written at positions: on OPFS when the storage left covers it (the
  // worker still asks for the room first), else twice, front to back.
  const h5ad: H5adStaging = estimate <= small ? 'blob' : quotaCovers(caps, estimate) ? 'auto' : 'replay';
  if (caps.picker) return { sink: 'picker', h5ad };
  if (estimate <= small) return { sink: 'blob' };
  if (caps.serviceWorker) return { sink: 'service-worker', h5ad };
  if (quotaCovers(caps, estimate)) return { sink: 'opfs' };
  if (estimate <= max) return { sink: 'blob' };
  return { refuse: refusal(kind, estimate, caps) };
}

/** Why no path fits, naming the real limit, and what to do. */
export function refusal(kind: ExportKind, estimate: number, caps: ExportCaps): string {
  const why: string[] = [];
  if (caps.opfs && caps.storage) {
    const free = Math.max(0, caps.storage.quota - caps.storage.usage);
    why.push(`the browser lets this page store only ${mb(free)} (a private window keeps that storage in memory and allows little; in a normal window it follows the disk’s free space)`);
  } else why.push('this browser gives the page no storage to build the file in');
  why.push('and it cannot stream the download through the page’s service worker here (private windows and some browsers do not run one)');
  const light = kind === 'h5ad' ? ', choose the annotations-only .h5ad' : '';
  return (
    `This file is about ${mb(estimate)}: ${why.join(', ')}. Nothing was saved. Open the page in a normal (not private) window` +
    `${'showSaveFilePicker' in globalThis ? ', or tick “Ask where to save each file”' : ''}${light}, or use the command line (celltypist-wasm annotate) for files this large.`
  );
}

/** The size an export will have, from the run (an upper estimate: numbers are written in full). */
export function estimateBytes(kind: ExportKind, r: { cellIdChars: number; n: number; labels: number; labelChars: number; inputBytes: number; voting: boolean; textBytes?: number }): number {
  const { n, labels: L } = r;
  switch (kind) {
    case 'labels':
      return r.cellIdChars + n * ((r.voting ? 3 : 1) * (r.labelChars / Math.max(1, L) + 3) + 28) + 64;
    case 'decision':
    case 'probability':
      return r.cellIdChars + n * (L * 25 + 2) + r.labelChars + L * 3;
    case 'proportions':
      return r.textBytes ?? 0;
    case 'h5ad':
      return r.inputBytes + n * (L * 8 + 96) + (1 << 20);
    case 'h5ad-light':
      return r.cellIdChars + n * (L * 8 + 96) + (1 << 20);
  }
}
