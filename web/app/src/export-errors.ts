/**
 * One clear, actionable message for each way an export can fail (worker and page share it), naming
 * the real cause: a full disk (the file the user picked), the browser's storage for the page (its
 * quota: in a private window a small store kept in memory, reported larger than it is), memory, a
 * download cancelled in the browser. Never a raw count or a stack trace.
 */
import { CellTypistError } from '../../engine/types.ts';

export interface ExportFailure {
  code: 'cancelled' | 'disk_full' | 'storage_full' | 'out_of_memory' | 'not_allowed' | 'picker_refused' | 'download_cancelled' | string;
  message: string;
}

export interface FailureContext {
  /** Where the bytes were going: a stream (picked file or download), OPFS, or Blobs. */
  where?: 'stream' | 'opfs' | 'blob';
  /** navigator.storage.estimate() after the failure. */
  storage?: { quota: number; usage: number };
}

const mb = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : `${Math.round(n / 1e6)} MB`);

export function describeFailure(e: unknown, cancelled = false, ctx: FailureContext = {}): ExportFailure {
  const name = (e as { name?: string })?.name ?? '';
  const code = (e as { code?: string })?.code ?? '';
  const msg = String((e as Error)?.message ?? e);
  if (code === 'download_cancelled') return { code, message: 'The download was cancelled in the browser (its downloads list), so the export stopped; no complete file was saved. Export again to get it.' };
  if (cancelled || name === 'AbortError' || (e instanceof CellTypistError && e.code === 'cancelled')) return { code: 'cancelled', message: 'Export cancelled; nothing was saved.' };
  if (name === 'QuotaExceededError' || /quota|no space|ENOSPC|disk (is )?full/i.test(msg)) {
    if (ctx.where === 'opfs' || ctx.where === 'blob') {
      const s = ctx.storage;
      const said = s ? ` (it reports ${mb(Math.max(0, s.quota - s.usage))} free of ${mb(s.quota)}, but a private window keeps this storage in memory and holds far less)` : '';
      return {
        code: 'storage_full',
        message: `The browser’s storage for this page is full${said}, so the export stopped and the partial file was discarded. Open the page in a normal (not private) window (where this storage follows the free space of the disk), tick “Ask where to save each file” where offered, or choose the annotations-only .h5ad, then export again.`,
      };
    }
    return { code: 'disk_full', message: 'The disk is full where the file is saved, so the export stopped and the partial file was discarded: free some disk space, or choose the annotations-only .h5ad, then export again.' };
  }
  if (e instanceof RangeError || /allocation failed|out of memory|Cannot allocate|memory access out of bounds/i.test(msg) || name === 'NotReadableError') {
    return { code: 'out_of_memory', message: 'The browser refused the memory this export needs: close other tabs and export again, choose the annotations-only .h5ad, or use the command line (celltypist-wasm annotate --write-h5ad) for files this large.' };
  }
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return { code: 'not_allowed', message: `The browser did not allow writing the file (${msg}): choose another folder, or untick “Ask where to save” to use the downloads folder, and export again.` };
  }
  if (e instanceof CellTypistError) return { code: e.code, message: e.message };
  if (code === 'incomplete') return { code, message: `The export stopped early: ${msg}. Export it again.` };
  return { code: 'export_failed', message: `The export failed (${msg}); nothing complete was saved. Try again, or use the command line for this file.` };
}
