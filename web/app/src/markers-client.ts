/** Client of the Markers worker (markers-worker.ts), shared by the Markers and "why this label" panels. */
import type { MarkersRequest, MarkersResponse } from './markers-protocol.ts';

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (r: MarkersResponse) => void; reject: (e: Error) => void }>();

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export function callMarkers(req: WithoutId<MarkersRequest>): Promise<MarkersResponse> {
  if (!worker) {
    worker = new Worker(new URL('./markers-worker.ts', import.meta.url), { type: 'classic' });
    worker.onmessage = (ev: MessageEvent<MarkersResponse>) => {
      const p = pending.get(ev.data.id);
      pending.delete(ev.data.id);
      if (ev.data.type === 'error') p?.reject(new Error(ev.data.message));
      else p?.resolve(ev.data);
    };
  }
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker!.postMessage({ ...req, id });
  });
}
