/**
 * Browser client of the annotation worker: annotate or train on a `File` off the main thread.
 * The worker reads the file lazily (h5wasm WORKERFS) and runs the wasm core; nothing is uploaded.
 *
 * The worker and the core's files are referenced with `new URL(…, import.meta.url)`, so Vite and
 * webpack bundle them with no configuration. To serve the core from elsewhere (a CDN), give
 * `wasmBaseUrl` or `locateFile`.
 */
import type { Request, Response } from './worker/protocol.ts';
import { expand } from './worker/compact.ts';
import type { H5adSummary } from './h5ad/read.ts';
import type { GeneTable } from './models/registry.ts';
import type { TrainOptions, TrainResult } from './train.ts';
import type { AnnotateOptions, AnnotationResult, ModelInfo, Progress } from './types.ts';
import { CellTypistError } from './types.ts';
import { CORE_FILES, type CoreFile } from './wasm/load.ts';
import type { Variant } from './wasm/core.ts';

export interface BrowserAnnotatorOptions {
  /** URL folder holding the core's five files (`CORE_FILES`), e.g. on a CDN. Default: bundled. */
  wasmBaseUrl?: string;
  /** The URL of each core file; wins over `wasmBaseUrl`. Called once per file, on this thread. */
  locateFile?: (file: CoreFile) => string;
}

export interface BrowserAnnotateOptions extends AnnotateOptions {
  /**
   * obsm key to return as `embedding` (default 'X_umap'). When the file lacks it a UMAP layout
   * is computed, unless `compute_umap` is false.
   */
  embedding?: string;
  /** Ortholog table fetched (verified, cached) when the model must be converted to the data's species. */
  geneTable?: GeneTable;
  /** Ensembl ID → symbol table, fetched when the data has Ensembl IDs and no symbol column. */
  idTable?: GeneTable;
  /** Cancels the run (the promise rejects with code 'cancelled'). */
  signal?: AbortSignal;
}

/** What `annotate` returns: CellTypist's result plus what a viewer needs. */
export interface BrowserAnnotation {
  result: AnnotationResult;
  /** The plotted embedding (row-major, `dims` per cell: the file's first two columns, or the computed UMAP), or null. */
  embedding: { name: string; dims: number; data: Float32Array } | null;
  /** Categorical/string obs columns with ≤ 500 distinct values (e.g. samples), cell by cell. */
  groups: Record<string, string[]>;
}

type Pending = { resolve: (r: Response) => void; reject: (e: Error) => void; onProgress?: (p: Progress) => void };

/** One worker, one request at a time per call; several calls may be in flight. */
export class BrowserAnnotator {
  /** The core build the worker runs ('simd-threads' on cross-origin isolated pages, else 'simd'). */
  readonly ready: Promise<Variant>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(options: BrowserAnnotatorOptions = {}) {
    // The name tells the worker to wait for the 'config' message below before loading the core.
    this.worker = new Worker(new URL('./worker/worker.ts', import.meta.url), { type: 'classic', name: 'celltypist-configured' });
    let setReady!: (v: Variant) => void;
    let failReady!: (e: Error) => void;
    this.ready = new Promise<Variant>((resolve, reject) => ((setReady = resolve), (failReady = reject)));
    this.ready.catch(() => {}); // observed through the calls that need the core
    this.worker.onmessage = (ev: MessageEvent<Response>) => {
      const m = ev.data;
      if (m.type === 'ready') return setReady(m.variant as Variant);
      if (m.type === 'error' && m.id === 0) return failReady(new CellTypistError(m.code, m.message));
      this.settle(m);
    };
    this.worker.onerror = (ev) => {
      const e = new CellTypistError('worker_failed', `the annotation worker could not start (${ev.message || 'script error'}): check that your bundler emitted it`);
      failReady(e);
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    const wasmFiles = options.locateFile ? Object.fromEntries(CORE_FILES.map((f) => [f, options.locateFile!(f)])) : undefined;
    this.worker.postMessage({ type: 'config', id: 0, wasmBaseUrl: options.wasmBaseUrl, wasmFiles } satisfies Request);
  }

  /** Checks a CellTypist model (.pkl bytes) and describes it; the bytes stay yours. */
  async modelInfo(model: Uint8Array): Promise<ModelInfo> {
    const r = await this.call({ type: 'model', bytes: model });
    return (r as Extract<Response, { type: 'model' }>).info;
  }

  /** What an .h5ad file holds (cells, genes, obs columns, embeddings) and what kind of matrix X is. */
  async summary(file: File): Promise<{ summary: H5adSummary; kind: string; warnings: string[] }> {
    const r = (await this.call({ type: 'summary', file })) as Extract<Response, { type: 'summary' }>;
    return { summary: r.summary, kind: r.kind, warnings: r.warnings };
  }

  /**
   * Annotates a `File` (.h5ad, Cell Ranger .h5, or a count table) with a CellTypist model, like
   * `celltypist.annotate`. Labels come first; when the file has no `embedding` a UMAP layout is
   * then computed in the worker (unless `compute_umap` is false) and returned as `result.umap`.
   * The decision/probability matrices are never returned (they are 98 × cells doubles).
   */
  async annotate(file: File, model: Uint8Array, options: BrowserAnnotateOptions = {}, onProgress?: (p: Progress) => void): Promise<BrowserAnnotation> {
    const { embedding = 'X_umap', geneTable, idTable, signal, compute_umap, ...rest } = options;
    const wantLayout = compute_umap !== false;
    const r = (await this.call({ type: 'annotate', file, model, options: rest, embedding, geneTable, idTable, layout_next: wantLayout }, onProgress, signal)) as Extract<Response, { type: 'result' }>;
    const result = expand(r.result);
    let emb: BrowserAnnotation['embedding'] = r.embedding ? { name: r.embedding.name, dims: 2, data: r.embedding.data } : null;
    if (!emb && wantLayout) {
      const l = (await this.call({ type: 'layout', file, normalize_counts: rest.normalize_counts, seed: rest.seed ?? 0 }, onProgress, signal)) as Extract<Response, { type: 'layout' }>;
      result.umap = l.data;
      emb = { name: 'UMAP (computed)', dims: 2, data: l.data };
    }
    const groups: Record<string, string[]> = {};
    for (const [name, g] of Object.entries(r.groups)) groups[name] = Array.from(g.codes, (c) => g.categories[c]);
    return { result, embedding: emb, groups };
  }

  /** Trains a model on an .h5ad `File`, like `celltypist.train`; `result.bytes` is the .pkl. */
  async train(file: File, options: TrainOptions, onProgress?: (p: Progress) => void, signal?: AbortSignal): Promise<TrainResult> {
    const r = await this.call({ type: 'train', file, options }, onProgress, signal);
    return (r as Extract<Response, { type: 'trained' }>).result;
  }

  /** Stops the worker; pending calls reject. */
  terminate(): void {
    this.worker.terminate();
    const e = new CellTypistError('terminated', 'the annotator was terminated');
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private call(req: DistributiveOmit<Request, 'id'>, onProgress?: (p: Progress) => void, signal?: AbortSignal): Promise<Response> {
    if (signal?.aborted) return Promise.reject(new CellTypistError('cancelled', 'cancelled'));
    const id = this.nextId++;
    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => this.worker.postMessage({ type: 'cancel', id } satisfies Request);
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (r) => (done(), resolve(r)),
        reject: (e) => (done(), reject(e)),
        onProgress,
      });
      this.worker.postMessage({ ...req, id } as Request);
    });
  }

  private settle(m: Response) {
    if (m.type === 'ready') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') return p.onProgress?.(m.progress);
    this.pending.delete(m.id);
    if (m.type === 'error') p.reject(new CellTypistError(m.code, m.message));
    else p.resolve(m);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
