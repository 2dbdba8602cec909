/** Client of the Markers worker (markers-worker.ts), shared by the Markers and "why this label" panels. */
import type { MarkersRequest, MarkersResponse } from './markers-protocol.ts';

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (r: MarkersResponse) => void; reject: (e: Error) => void }>();

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/**
 * A WebAssembly heap never shrinks, and a dotplot grows the worker's to hold a pass over the file:
 * the worker ends once it has had nothing to do for this long, and the next request starts a
 * fresh one (a hover explanation then waits ~0.5 s for it).
 */
export const MARKERS_IDLE_MS = 8000;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

export function callMarkers(req: WithoutId<MarkersRequest>): Promise<MarkersResponse> {
  clearTimeout(idleTimer);
  if (!worker) {
    worker = new Worker(new URL('./markers-worker.ts', import.meta.url), { type: 'classic' });
    document.body.dataset.markersWorker = 'running';
    worker.onmessage = (ev: MessageEvent<MarkersResponse>) => {
      const p = pending.get(ev.data.id);
      pending.delete(ev.data.id);
      if (ev.data.type === 'error') p?.reject(new Error(ev.data.message));
      else p?.resolve(ev.data);
      if (pending.size === 0) idleTimer = setTimeout(stopMarkers, MARKERS_IDLE_MS);
    };
  }
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker!.postMessage({ ...req, id });
  });
}

/**
 * Stops the Markers worker and frees its wasm memory (a new run or file: its open file and model
 * describe other cells). Pending calls reject; the next call starts a fresh worker.
 */
export function stopMarkers(): void {
  clearTimeout(idleTimer);
  if (!worker) return;
  worker.terminate();
  worker = null;
  document.body.dataset.markersWorker = 'stopped'; // tests
  for (const p of pending.values()) p.reject(new Error('replaced by a new run'));
  pending.clear();
}
