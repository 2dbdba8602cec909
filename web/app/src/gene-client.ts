/**
 * Client of the gene worker (gene-worker.ts): it starts on the first request and stays up until
 * the run changes (it holds no wasm heap), so a gene typed after the first waits for no worker
 * start or file open. Files only h5wasm reads go to the Markers worker.
 */
import { callMarkers } from './markers-client.ts';
import type { GeneRequest, GeneResponse } from './gene-protocol.ts';
import type { MarkersResponse } from './markers-protocol.ts';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (r: GeneResponse) => void; reject: (e: Error) => void }>();
/** Files the gene worker could not read (the Markers worker reads them). */
const viaMarkers = new WeakSet<File>();

function start(): Worker {
  const w = new Worker(new URL('./gene-worker.ts', import.meta.url), { type: 'classic' });
  document.body.dataset.geneWorker = 'running'; // the bench and tests
  w.onmessage = (ev: MessageEvent<GeneResponse>) => {
    const p = pending.get(ev.data.id);
    pending.delete(ev.data.id);
    p?.resolve(ev.data);
  };
  return w;
}

function ask(req: WithoutId<GeneRequest>): Promise<GeneResponse> {
  worker ??= start();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker!.postMessage({ ...req, id });
  });
}

/** The gene names or one gene's values of `req.file` (from the gene worker, else the Markers worker). */
export async function callGenes(req: WithoutId<GeneRequest>): Promise<MarkersResponse> {
  if (!viaMarkers.has(req.file)) {
    const r = await ask(req);
    if (r.type !== 'error') return r;
    if (!r.needs_h5wasm) throw new Error(r.message);
    viaMarkers.add(req.file);
  }
  return callMarkers(req);
}

/** Stops the gene worker (a new run or file); pending calls reject. */
export function stopGenes(): void {
  if (!worker) return;
  worker.terminate();
  worker = null;
  document.body.dataset.geneWorker = 'stopped';
  for (const p of pending.values()) p.reject(new Error('replaced by a new run'));
  pending.clear();
}
