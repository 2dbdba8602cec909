/** One clear, actionable message for each way an export can fail (worker and page share it). */
import { CellTypistError } from '../../engine/types.ts';

export interface ExportFailure {
  code: 'cancelled' | 'disk_full' | 'out_of_memory' | 'not_allowed' | 'picker_refused' | string;
  message: string;
}

export function describeFailure(e: unknown, cancelled = false): ExportFailure {
  const name = (e as { name?: string })?.name ?? '';
  const msg = String((e as Error)?.message ?? e);
  if (cancelled || name === 'AbortError' || (e instanceof CellTypistError && e.code === 'cancelled')) return { code: 'cancelled', message: 'Export cancelled; nothing was saved.' };
  if (name === 'QuotaExceededError' || /quota|no space|ENOSPC|disk (is )?full/i.test(msg)) {
    return { code: 'disk_full', message: 'The disk is full (or the browser’s storage quota is used up), so the export stopped and the partial file was discarded: free some disk space, or choose the annotations-only .h5ad, then export again.' };
  }
  if (e instanceof RangeError || /allocation failed|out of memory|Cannot allocate|memory access out of bounds/i.test(msg) || name === 'NotReadableError') {
    return { code: 'out_of_memory', message: 'The browser refused the memory this export needs: close other tabs and export again, choose the annotations-only .h5ad, or use the command line (celltypist-wasm annotate --write-h5ad) for files this large.' };
  }
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return { code: 'not_allowed', message: `The browser did not allow writing the file (${msg}): choose another folder, or untick “Ask where to save” to use the downloads folder, and export again.` };
  }
  if (e instanceof CellTypistError) return { code: e.code, message: e.message };
  return { code: 'export_failed', message: `The export failed (${msg}); nothing complete was saved. Try again, or use the command line for this file.` };
}
