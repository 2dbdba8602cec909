/**
 * Client of the gene workers (gene-worker.ts): they start on the first request and stay up until
 * the run changes (they hold no wasm heap), so a gene typed after the first waits for no worker
 * start or file open; the genes read last are kept, so going back to one is instant. A gene is
 * read by several workers at once, each a share of the cells (of a CSR X): the time goes mostly
 * to FileReaderSync calls, which overlap across workers (Chromium, 490 MB: 1 worker 0.9-1.6 s,
 * 2 workers 0.86-1.0 s, 3 workers 0.58-0.86 s on 2 cores). Files only h5wasm reads go to the
 * Markers worker.
 */
import { callMarkers } from './markers-client.ts';
import type { GeneRequest, GeneResponse } from './gene-protocol.ts';
import type { MarkersResponse } from './markers-protocol.ts';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Values = Extract<GeneResponse, { type: 'gene-values' }>;

/** Most workers sharing a gene (each holds a chunk of the file, up to 32 MB, while reading). */
const MAX_WORKERS = 3;
const workers: Worker[] = [];
let nextId = 1;
const pending = new Map<number, { resolve: (r: GeneResponse) => void; reject: (e: Error) => void }>();
/** Files the gene workers could not read (the Markers worker reads them). */
const viaMarkers = new WeakSet<File>();

function start(): Worker {
  const w = new Worker(new URL('./gene-worker.ts', import.meta.url), { type: 'classic' });
  document.body.dataset.geneWorker = 'running'; // the bench and tests
  w.onmessage = (ev: MessageEvent<GeneResponse>) => {
    const p = pending.get(ev.data.id);
    pending.delete(ev.data.id);
    p?.resolve(ev.data);
  };
  // A worker that fails (its script did not load, or it ran out of memory) fails the genes it
  // was reading with the cause, instead of leaving the colour box waiting forever.
  w.onerror = (ev) => {
    ev.preventDefault();
    stopWorkers(new Error(`the gene reader stopped${ev.message ? ` (${ev.message})` : ''}; try again, or reload the page`));
  };
  return w;
}

function ask(i: number, req: WithoutId<GeneRequest>): Promise<GeneResponse> {
  workers[i] ??= start();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    workers[i].postMessage({ ...req, id });
  });
}

/** Workers to share a gene: at least 2 (the reads wait on the browser, not on a core). */
const shares = () => Math.min(MAX_WORKERS, Math.max(2, navigator.hardwareConcurrency || 2));

/** One gene read by every worker, each a share of the cells, joined. */
async function shared(req: Extract<WithoutId<GeneRequest>, { type: 'gene-values' }>): Promise<GeneResponse> {
  const k = shares();
  const parts = await Promise.all(Array.from({ length: k }, (_, i) => ask(i, { ...req, share: [i, k] })));
  const failed = parts.find((p) => p.type !== 'gene-values');
  if (failed) return failed;
  const got = parts as Values[];
  const values = new Float32Array(Math.max(...got.map((p) => p.first + p.values.length)));
  for (const p of got) values.set(p.values, p.first);
  const n_nonzero = got.reduce((a, p) => a + p.n_nonzero, 0);
  return { ...got[0], values, first: 0, n_nonzero, seconds: Math.max(...got.map((p) => p.seconds)) };
}

/** The names (worker 0; the others open the file meanwhile), or one gene's values (every worker). */
function fromWorkers(req: WithoutId<GeneRequest>): Promise<GeneResponse> {
  if (req.type === 'gene-values') return shared(req);
  for (let i = 1; i < shares(); i++) ask(i, { ...req, open_only: true }).catch(() => undefined);
  return ask(0, req);
}

/** Genes read last, per file, by the name asked and the name shown (at most CACHE_BYTES of values). */
let cache = new WeakMap<File, Map<string, MarkersResponse>>();
const CACHE_BYTES = 32 << 20;

function remember(file: File, asked: string, r: MarkersResponse): MarkersResponse {
  if (r.type !== 'gene-values') return r;
  const m = cache.get(file) ?? new Map<string, MarkersResponse>();
  cache.set(file, m);
  const cap = Math.max(1, Math.floor(CACHE_BYTES / Math.max(1, r.values.byteLength)));
  for (const key of [asked, r.gene]) {
    m.delete(key);
    m.set(key, r);
  }
  while (new Set(m.values()).size > cap) m.delete(m.keys().next().value!); // the oldest first
  return r;
}

/** One gene's values again (a gene clicked twice, or back to the one before) without reading. */
function cached(req: WithoutId<GeneRequest>): MarkersResponse | undefined {
  const r = req.type === 'gene-values' ? cache.get(req.file)?.get(req.gene) : undefined;
  return r?.type === 'gene-values' ? { ...r, seconds: 0 } : undefined;
}

/** The gene names or one gene's values of `req.file` (from a cache, the gene workers, else the Markers worker). */
export async function callGenes(req: WithoutId<GeneRequest>): Promise<MarkersResponse> {
  const hit = cached(req);
  if (hit) return hit;
  return req.type === 'gene-values' ? remember(req.file, req.gene, await read(req)) : read(req);
}

async function read(req: WithoutId<GeneRequest>): Promise<MarkersResponse> {
  if (!viaMarkers.has(req.file)) {
    const r = await fromWorkers(req);
    if (r.type !== 'error') return r;
    if (!r.needs_h5wasm) throw new Error(r.message);
    viaMarkers.add(req.file);
  }
  return callMarkers(req);
}

/** Ends the gene workers (the next request starts new ones); pending calls reject with `cause`. */
function stopWorkers(cause: Error): void {
  for (const w of workers) w.terminate();
  workers.length = 0;
  document.body.dataset.geneWorker = 'stopped';
  for (const p of pending.values()) p.reject(cause);
  pending.clear();
}

/** Stops the gene workers and forgets the genes read (a new run or file); pending calls reject. */
export function stopGenes(): void {
  cache = new WeakMap();
  if (workers.length) stopWorkers(new Error('replaced by a new run'));
}
