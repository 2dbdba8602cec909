/**
 * The annotation worker: reads the dropped File lazily through a read-ahead file (open-file.ts; never loaded
 * whole), runs the wasm core, posts progress and the result (transferable buffers).
 */
import { annotateReader, loadModel } from '../annotate.ts';
import { trainReader } from '../train.ts';
import { chooseInput } from '../h5ad/normalization.ts';
import { openInputFiles } from '../formats/open-browser.ts';
import type { MatrixReader } from '../formats/reader.ts';
import { h5Raw, mountHdf5, openFile } from './open-file.ts';
import { CellTypistError } from '../types.ts';
import { loadCore as loadCoreWith, type LoadOptions } from '../wasm/load.ts';
import type { Request, Response, RunSpec } from './protocol.ts';
import type { AnnotationResult, Progress } from '../types.ts';
import { type Categorical, compactResult, encode, transferables } from './compact.ts';
import { computeLayout, KeptLayout, type LayoutStats, layoutStatsFor, sameFile } from './layout-job.ts';
import { layoutKeptGraph, voteKeepingGraph, votesAutomatically } from '../kept-layout.ts';
import type { HeapChunk } from '../wasm/heap-chunks.ts';
import type { CoreModel, CoreModule, Variant } from '../wasm/core.ts';
import { fetchGeneTable } from '../models/fetch.ts';
import { CacheStore } from '../models/cache-store.ts';
import type { GeneTable } from '../models/registry.ts';

const post = (m: Response, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);
const aborts = new Map<number, AbortController>();
const threads = (variant: string) => (variant === 'simd-threads' ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2)) : 1);
// Where the core's files are: bundled next to the engine by default; a 'config' message (sent
// first by package clients, see web/engine/browser-annotator.ts) can point elsewhere, e.g. a CDN.
let wasmLocation: Pick<LoadOptions, 'baseUrl' | 'locateFile'> = {};
// A parallel call on t threads needs t - 1 pthread workers (the calling thread does a share);
// each idle one holds its own JavaScript heap and wasm instance in the tab.
const loadCore = () => loadCoreWith({ ...wasmLocation, workers: threads('simd-threads') - 1 });

/** Fetches an ortholog table like a model: streamed with progress, sha256-checked, cached (Cache API). */
function geneMap(table: GeneTable, id: number) {
  return async () =>
    (
      await fetchGeneTable(table, {
        store: new CacheStore(),
        onProgress: (p) =>
          post({ type: 'progress', id, progress: { stage: 'load_model', fraction: p.total ? p.loaded / p.total : 0, message: `gene table ${table.file}: ${(p.loaded / 1e6).toFixed(1)} MB` } }),
      })
    ).bytes;
}

/** Any supported input (h5ad, Cell Ranger .h5/folder, tables, mtx + names) from the dropped files. */
async function openInput(files: File[], transpose_input?: boolean, model_features?: string[], onProgress?: (f: number, m: string) => void): Promise<MatrixReader> {
  return openInputFiles(files, { openHdf5: mountHdf5, load_h5_raw: h5Raw, transpose_input, model_features, onProgress });
}

/** The input of a run: every file given (a .mtx with its names, a Cell Ranger folder). */
function openSpec(spec: { file: File; files?: File[]; transpose_input?: boolean }, id: number, model_features?: string[]): Promise<MatrixReader> {
  return openInput(spec.files ?? [spec.file], spec.transpose_input, model_features, (fraction, message) => post({ type: 'progress', id, progress: { stage: 'read', fraction, message } }));
}

/** Gene statistics of the last annotation, for the layout that follows it. */
let layoutStats: LayoutStats | undefined;
function dropLayoutStats() {
  layoutStats?.clusterer.delete();
  layoutStats = undefined;
}
/** The majority-voting run's graph, for the layout that follows it (then it is all that is left). */
let kept: KeptLayout | undefined;
function dropKept() {
  kept?.delete();
  kept = undefined;
}


/** A run's loaded model and open input (the model's genes pick a 10x file's identifier); `close()` frees both. */
interface Run {
  core: CoreModule;
  variant: Variant;
  model: CoreModel;
  reader: MatrixReader;
  close(): void;
}

async function openRun(spec: RunSpec, id: number): Promise<Run> {
  const { core, variant } = await loadCore();
  const model = loadModel(core, spec.model);
  try {
    const reader = await openSpec(spec, id, model.features());
    return { core, variant, model, reader, close: () => (reader.close(), model.delete()) };
  } catch (e) {
    model.delete();
    throw e;
  }
}

/** The layout after an annotation, started by the worker as soon as the result is posted. */
interface EarlyLayout {
  /** True for the page's matching request (same file, normalization and seed). */
  matches(req: { file: File; normalize_counts?: boolean; seed?: number }): boolean;
  /** Sends the job's progress (the last one at once) under the request's id. */
  follow(id: number): void;
  done: Promise<{ data: Float32Array; from: 'voting-graph' | 'file' }>;
}
let early: EarlyLayout | undefined;
/** Waits for an early layout no one asked for to end (it holds the heap), then forgets it. */
async function dropEarly() {
  const job = early;
  early = undefined;
  await job?.done.catch(() => undefined);
}

function startEarlyLayout(run: Run, file: File, opts: { normalize_counts?: boolean; seed: number }): EarlyLayout {
  let id: number | undefined;
  let last: Progress | undefined;
  const onProgress = (progress: Progress) => {
    last = progress;
    if (id !== undefined) post({ type: 'progress', id, progress });
  };
  const job = async (): Promise<{ data: Float32Array; from: 'voting-graph' | 'file' }> => {
    // Let the result message go out and the worker settle before the long calls.
    await new Promise((r) => setTimeout(r, 0));
    try {
      if (kept?.sameFile(file)) {
        const k = kept;
        kept = undefined;
        dropLayoutStats();
        try {
          return { data: layoutKeptGraph(k.graph, threads(run.variant), onProgress), from: 'voting-graph' };
        } finally {
          k.delete();
        }
      }
      dropKept();
      const stats = layoutStats?.sameFile(file) ? layoutStats : undefined;
      if (!stats) dropLayoutStats();
      layoutStats = undefined; // consumed (freed) by computeLayout
      return { data: await computeLayout(run.core, run.reader, { normalize_counts: opts.normalize_counts, seed: opts.seed, n_threads: threads(run.variant) }, onProgress, undefined, stats), from: 'file' };
    } finally {
      run.reader.close();
    }
  };
  const done = job();
  done.catch(() => undefined); // reported to the request that joins it
  return {
    matches: (req) => sameFile(req.file, file) && !!req.normalize_counts === !!opts.normalize_counts && (req.seed ?? 0) === opts.seed,
    follow(i) {
      id = i;
      if (last) post({ type: 'progress', id: i, progress: last });
    },
    done,
  };
}

/** One annotation of an open run. */
function annotate(run: Run, spec: RunSpec, id: number, signal?: AbortSignal, onChunk?: (c: HeapChunk) => void): Promise<AnnotationResult> {
  return annotateReader(run.reader, run.model, spec.options, {
    core: run.core,
    variant: run.variant,
    n_threads: threads(run.variant),
    signal,
    onProgress: (progress) => post({ type: 'progress', id, progress }),
    geneMap: spec.geneTable ? geneMap(spec.geneTable, id) : undefined,
    idTable: spec.idTable ? geneMap(spec.idTable, id) : undefined,
    onChunk,
  });
}

/** The first two columns of an obsm embedding, when the file has it. */
function embedding2d(reader: MatrixReader, name: string): { name: string; data: Float32Array } | null {
  if (!reader.summary.obsm.some((o) => o.name === name && o.dims >= 2)) return null;
  const e = reader.readObsm(name);
  const n = reader.summary.n_obs;
  const data = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    data[2 * i] = e.data[i * e.dims];
    data[2 * i + 1] = e.data[i * e.dims + 1];
  }
  return { name, data };
}

/** Categorical/string obs columns with at most 500 distinct values, encoded. */
function groupColumns(reader: MatrixReader): Record<string, Categorical> {
  const groups: Record<string, Categorical> = {};
  for (const c of reader.summary.obs_columns) {
    if ((c.kind !== 'categorical' && c.kind !== 'string') || (c.n_categories ?? 0) > 500) continue;
    const v = reader.readObsColumn(c.name);
    if (!Array.isArray(v)) continue;
    const enc = encode(v);
    if (enc.categories.length <= 500) groups[c.name] = enc;
  }
  return groups;
}

function fail(id: number, e: unknown) {
  const code = e instanceof CellTypistError ? e.code : 'error';
  post({ type: 'error', id, code, message: (e as Error).message ?? String(e) });
}

self.onmessage = async (ev: MessageEvent<Request>) => {
  const msg = ev.data;
  if (msg.type === 'cancel') {
    aborts.get(msg.id)?.abort();
    return;
  }
  if (msg.type === 'config') {
    const files = msg.wasmFiles;
    wasmLocation = files ? { locateFile: (f) => files[f] ?? f } : msg.wasmBaseUrl ? { baseUrl: msg.wasmBaseUrl } : {};
    preload();
    return;
  }
  try {
    if (msg.type === 'summary') {
      const r = await openSpec(msg, msg.id);
      try {
        let kind = 'unknown';
        let warnings: string[] = [];
        try {
          const c = chooseInput(r);
          kind = c.verdict.kind;
          warnings = c.warnings;
        } catch (e) {
          warnings = [(e as Error).message];
          kind = 'invalid';
        }
        post({ type: 'summary', id: msg.id, summary: r.summary, kind, warnings });
      } finally {
        r.close();
      }
    } else if (msg.type === 'layout' && early?.matches(msg)) {
      // Started right after the result (see 'annotate'): joined, or already done.
      const job = early;
      early = undefined;
      job.follow(msg.id);
      const { data, from } = await job.done;
      post({ type: 'layout', id: msg.id, data, from }, [data.buffer]);
    } else if (msg.type === 'layout' && kept?.sameFile(msg.file)) {
      const { variant } = await loadCore();
      const k = kept;
      kept = undefined;
      dropLayoutStats();
      try {
        const data = layoutKeptGraph(k.graph, threads(variant), (progress) => post({ type: 'progress', id: msg.id, progress }));
        post({ type: 'layout', id: msg.id, data, from: 'voting-graph' }, [data.buffer]);
      } finally {
        k.delete();
      }
    } else if (msg.type === 'layout') {
      await dropEarly();
      dropKept();
      const ac = new AbortController();
      aborts.set(msg.id, ac);
      const { core, variant } = await loadCore();
      const reader = await openSpec(msg, msg.id);
      try {
        const stats = layoutStats?.sameFile(msg.file) ? layoutStats : undefined;
        if (!stats) dropLayoutStats();
        layoutStats = undefined; // consumed (freed) by computeLayout
        const data = await computeLayout(core, reader, { normalize_counts: msg.normalize_counts, seed: msg.seed, n_threads: threads(variant) }, (progress) => post({ type: 'progress', id: msg.id, progress }), ac.signal, stats);
        post({ type: 'layout', id: msg.id, data, from: 'file' }, [data.buffer]);
      } finally {
        aborts.delete(msg.id);
        reader.close();
      }
    } else if (msg.type === 'model') {
      const { core } = await loadCore();
      const m = loadModel(core, msg.bytes);
      try {
        post({ type: 'model', id: msg.id, info: { labels: m.labels(), n_features: m.n_features(), estimator: m.estimator(), description: m.description() } });
      } finally {
        m.delete();
      }
    } else if (msg.type === 'train') {
      const ac = new AbortController();
      aborts.set(msg.id, ac);
      const { core, variant } = await loadCore();
      const reader = await openFile(msg.file);
      try {
        const result = await trainReader(reader, msg.options, {
          core,
          n_threads: threads(variant),
          signal: ac.signal,
          onProgress: (progress) => post({ type: 'progress', id: msg.id, progress }),
        });
        post({ type: 'trained', id: msg.id, result }, [result.bytes.buffer]);
      } finally {
        aborts.delete(msg.id);
        reader.close();
      }
    } else if (msg.type === 'annotate') {
      const ac = new AbortController();
      aborts.set(msg.id, ac);
      await dropEarly();
      const run = await openRun(msg, msg.id);
      const { reader } = run;
      let keepOpen = false;
      try {
        // Results first: prediction (and majority voting) only; the UMAP comes after ('layout').
        const options = { ...msg.options, compute_umap: false, return_matrices: false };
        // Automatic majority voting followed by a layout: the voting's graph is kept for it.
        const keep = !!msg.layout_next && votesAutomatically(options);
        dropLayoutStats();
        dropKept();
        if (msg.layout_next) layoutStats = layoutStatsFor(run.core, reader, msg.file, options.normalize_counts);
        let full: AnnotationResult;
        try {
          full = await annotate(run, { ...msg, options: keep ? { ...options, majority_voting: false } : options }, msg.id, ac.signal, layoutStats?.add);
          if (keep) {
            const stats = layoutStats;
            layoutStats = undefined; // consumed by the over-clustering
            try {
              const graph = await voteKeepingGraph(run.core, reader, full, options, { n_threads: threads(run.variant), expression: stats?.clusterer, signal: ac.signal, onProgress: (progress) => post({ type: 'progress', id: msg.id, progress }) });
              if (graph) kept = new KeptLayout(msg.file, graph);
            } finally {
              stats?.clusterer.delete();
            }
          }
        } catch (e) {
          dropLayoutStats();
          throw e;
        }
        const result = compactResult(full);
        const embedding = msg.embedding ? embedding2d(reader, msg.embedding) : null;
        const groups = groupColumns(reader);
        const transfer = transferables(result);
        if (embedding) transfer.push(embedding.data.buffer);
        for (const g of Object.values(groups)) transfer.push(g.codes.buffer);
        post({ type: 'result', id: msg.id, result, embedding, groups }, transfer);
        // The page asks for the UMAP as soon as it has shown the result: start it now, on the
        // open file, instead of waiting for its request (it joins this job).
        if (msg.layout_next && !embedding) {
          keepOpen = true;
          run.model.delete();
          early = startEarlyLayout(run, msg.file, { normalize_counts: options.normalize_counts, seed: 0 });
        }
      } finally {
        aborts.delete(msg.id);
        if (!keepOpen) run.close();
      }
    }
  } catch (e) {
    fail(msg.id, e);
  }
};

/** Starts loading the core early and says which build runs ('ready'). */
function preload() {
  loadCore()
    .then(({ variant }) => post({ type: 'ready', variant }))
    .catch((e) => fail(0, e));
}
// A worker named 'celltypist-configured' waits for its 'config' message; the app's starts now.
if (self.name !== 'celltypist-configured') preload();
