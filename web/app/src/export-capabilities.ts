/** What this browser offers an export, by feature detection (export-plan.ts chooses from it). */
import type { ExportCaps } from './export-plan.ts';
import { serviceWorkerStreams } from './sw-download.ts';

export async function exportCaps(askWhereToSave: boolean): Promise<ExportCaps> {
  const picker = askWhereToSave && typeof (globalThis as { showSaveFilePicker?: unknown }).showSaveFilePicker === 'function';
  const [serviceWorker, opfs, storage] = await Promise.all([serviceWorkerStreams().catch(() => false), opfsOpens(), storageEstimate()]);
  return { picker, serviceWorker, opfs, storage };
}

/** Whether the origin-private file system opens (it throws in some private windows). */
async function opfsOpens(): Promise<boolean> {
  try {
    await navigator.storage.getDirectory();
    return true;
  } catch {
    return false;
  }
}

async function storageEstimate(): Promise<ExportCaps['storage']> {
  try {
    const e = await navigator.storage.estimate();
    return typeof e.quota === 'number' ? { quota: e.quota, usage: e.usage ?? 0 } : null;
  } catch {
    return null;
  }
}
