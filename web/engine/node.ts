/**
 * Node entry point: annotate an .h5ad file on disk with a model file, as CellTypist's
 * `celltypist.annotate(path, model=...)`.
 */
import { readFileSync, statSync } from 'node:fs';
import { checkModelSize } from './limits.ts';
import { type AnnotateContext, annotateReader, loadModel } from './annotate.ts';
import { featuresOf } from './models/features.ts';
import { openH5adPath } from './h5ad/open-node.ts';
import { h5wasmNode } from './h5ad/h5wasm-node.ts';
import { type InputOptions, openInputPath } from './formats/open-node.ts';
import { type AnnotateOptions, type AnnotationResult, CellTypistError, type ModelInfo, type ProgressCallback } from './types.ts';
import type { Variant } from './wasm/core.ts';
import { ensurePthreadWorkers, loadCore, unrefPthreadWorkers } from './wasm/load.ts';
import type { MatrixTableSink } from './export/csv-stream.ts';
import { type TrainOptions, type TrainResult, trainReader } from './train.ts';
import { ID_TABLE, ORTHOLOG_TABLE } from './genes/orthologs.ts';
import { fetchGeneTable } from './models/fetch.ts';
import { FileStore } from './models/file-store.ts';
import { findGeneTable } from './models/registry.ts';
import { nodeRegistry } from './models/registry-node.ts';

export { openH5adPath } from './h5ad/open-node.ts';
export { writeAnnotatedFile } from './export/h5ad-node.ts';
export { openInputPath, type InputOptions } from './formats/open-node.ts';
export * from './index.ts';
export { fetchModel, fetchGeneTable, fetchBytes, type Fetched, type FetchModelOptions, type FetchProgress, type ModelStore } from './models/fetch.ts';
export { DownloadFailed, type DownloadFailure, type FailureCause } from './models/fetch-failure.ts';
export { parseMirror, applyMirror, type MirrorRegistry, type MirrorEntry } from './models/mirror.ts';
export { parseRegistry, findModel, findGeneTable, type Registry, type RegistryModel, type GeneTable } from './models/registry.ts';
export { nodeRegistry } from './models/registry-node.ts';
export { FileStore, defaultCacheDir } from './models/file-store.ts';

export interface NodeAnnotateOptions extends AnnotateOptions, Pick<InputOptions, 'transpose_input' | 'gene_file' | 'cell_file'> {
  /** 'auto' (threads), 'simd' or 'simd-threads'. */
  variant?: 'auto' | Variant;
  /** Scoring threads for the threaded build (default: 2). */
  n_threads?: number;
  signal?: AbortSignal;
  /**
   * Ortholog map used when the model must be converted to the data's species: a path or the
   * bytes of a two-column CSV. Default: CellTypist's Ensembl 105 table, downloaded from the
   * registry's URL on first use (verified, cached).
   */
  gene_map?: string | Uint8Array;
  /**
   * Receives decision_matrix.csv / probability_matrix.csv bytes while cells are scored (see
   * export/csv-stream.ts); pair with `return_matrices: false` to keep memory at one chunk.
   */
  table_sink?: MatrixTableSink;
  /**
   * Receives each chunk's decision and probability rows (copies) in order while cells are
   * scored, e.g. to keep them on disk (export/score-spill-node.ts) with `return_matrices: false`.
   */
  on_scores?: AnnotateContext['onScores'];
}

/** The gene map source for a Node run: the given file/bytes, or the registry's table (cached). */
function geneMapSource(given: string | Uint8Array | undefined, onProgress?: ProgressCallback, tableName = ORTHOLOG_TABLE) {
  return async (): Promise<Uint8Array> => {
    if (given instanceof Uint8Array) return given;
    if (typeof given === 'string') {
      try {
        return readFileSync(given);
      } catch {
        throw new CellTypistError('not_found', `cannot read the gene map file '${given}'`);
      }
    }
    const table = findGeneTable(nodeRegistry(), tableName);
    const { bytes } = await fetchGeneTable(table, {
      store: new FileStore(),
      onProgress: (p) => onProgress?.({ stage: 'load_model', fraction: p.total ? p.loaded / p.total : 0, message: `gene table ${table.file}: ${(p.loaded / 1e6).toFixed(1)} MB` }),
    });
    return bytes;
  };
}

function readModelBytes(model: string | Uint8Array): Uint8Array {
  if (typeof model !== 'string') {
    checkModelSize(model.length, 'given');
    return model;
  }
  let size: number;
  try {
    size = statSync(model).size;
  } catch {
    throw new CellTypistError('not_found', `cannot read the model file '${model}'`);
  }
  checkModelSize(size, `'${model}'`); // before reading: Node cannot even read files over 2 GB at once
  try {
    return readFileSync(model);
  } catch {
    throw new CellTypistError('not_found', `cannot read the model file '${model}'`);
  }
}

/**
 * Annotates the input at `input` (an .h5ad, a Cell Ranger .h5 or folder, a count table, or a .mtx
 * with `gene_file`/`cell_file`) with the model (.pkl path or bytes).
 */
export async function annotate(
  input: string,
  model: string | Uint8Array,
  options: NodeAnnotateOptions = {},
  onProgress?: ProgressCallback,
): Promise<AnnotationResult> {
  // h5wasm (a 4 MB module) starts while the core and the model load; opening a Cell Ranger .h5
  // awaits it. An .h5ad is read without it (h5ad/direct/) unless it needs the HDF5 library.
  if (/\.(h5|hdf5)$/i.test(input)) h5wasmNode().catch(() => undefined);
  const bytes = inputBytes(input);
  const { core, variant } = await loadCore({ variant: chooseVariant(input, options, bytes) });
  const nThreads = variant === 'simd-threads' ? (options.n_threads ?? 2) : 1;
  // An input of more than one chunk (over ~32 MB) is scored on n_threads workers: they load
  // (~0.1 s each) while the model and the input are read. annotateReader starts the ones it
  // needs otherwise, and awaits them before scoring (a failure to start one surfaces there).
  if (variant === 'simd-threads' && bytes > 32e6) ensurePthreadWorkers(core, nThreads).catch(() => undefined);
  onProgress?.({ stage: 'load_model', fraction: 0 });
  const m = loadModel(core, readModelBytes(model));
  try {
    const reader = await openInputPath(input, {
      transpose_input: options.transpose_input,
      gene_file: options.gene_file,
      cell_file: options.cell_file,
      model_features: featuresOf(m),
      onProgress: (fraction, message) => onProgress?.({ stage: 'read', fraction, message }),
    });
    try {
      // annotateReader waits for the workers it needs (they load meanwhile).
      return await annotateReader(reader, m, options, {
        core,
        variant,
        n_threads: nThreads,
        signal: options.signal,
        onProgress,
        geneMap: geneMapSource(options.gene_map, onProgress),
        idTable: geneMapSource(undefined, onProgress, ID_TABLE),
        table_sink: options.table_sink,
        onScores: options.on_scores,
      });
    } finally {
      reader.close();
    }
  } finally {
    m.delete();
  }
}

/**
 * Inputs up to this size are annotated with the SIMD build unless a build or a thread count is
 * asked for: it starts faster (WebAssembly exceptions instead of JS trampolines, no workers), and
 * for a few chunks that beats scoring on two threads. Measured whole commands, 98 types (2
 * December, the direct h5ad reader): 2k cells (50 MB) 0.72 against 0.75 s (CPU 0.83 against
 * 0.99 s), 5k (123 MB) about even (0.96-1.00 against 0.94-1.04 s); at 20k (490 MB) the threaded
 * build is faster.
 */
export const SMALL_INPUT_BYTES = 64e6;

/** The build for `annotate`: 'auto' means the SIMD build for small inputs (see SMALL_INPUT_BYTES). */
export function chooseVariant(input: string, options: Pick<NodeAnnotateOptions, 'variant' | 'n_threads'>, size = inputBytes(input)): 'auto' | Variant {
  const want = options.variant ?? 'auto';
  if (want !== 'auto' || options.n_threads !== undefined) return want;
  return size > 0 && size <= SMALL_INPUT_BYTES ? 'simd' : 'auto';
}

/** Size of an input file (0 for a folder or a missing file: the reader says what is wrong). */
function inputBytes(input: string): number {
  try {
    const st = statSync(input);
    return st.isFile() ? st.size : 0;
  } catch {
    return 0;
  }
}

/** The compiled worker next to the compiled package; from sources, a bootstrap that registers tsx. */
function nodeWorkerUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./node-worker.mjs', import.meta.url) : new URL('./node-worker.js', import.meta.url);
}

/**
 * Same as `annotate`, in a worker thread: the calling thread stays free (servers, UIs).
 * Cancel with `options.signal`.
 */
export async function annotateInWorker(
  input: string,
  model: string | Uint8Array,
  options: NodeAnnotateOptions = {},
  onProgress?: ProgressCallback,
): Promise<AnnotationResult> {
  if (options.table_sink || options.on_scores) {
    throw new CellTypistError('bad_option', 'table_sink and on_scores stream from the thread that scores: use annotate() (a callback cannot be sent to a worker thread)');
  }
  const { Worker } = await import('node:worker_threads');
  const { signal, ...rest } = options;
  const worker = new Worker(nodeWorkerUrl(), { workerData: { input, model, options: rest } });
  const onAbort = () => worker.postMessage({ type: 'cancel' });
  signal?.addEventListener('abort', onAbort);
  try {
    return await new Promise<AnnotationResult>((resolve, reject) => {
      worker.on('message', (m: { type: string; progress?: Parameters<ProgressCallback>[0]; result?: AnnotationResult; code?: string; message?: string }) => {
        if (m.type === 'progress') onProgress?.(m.progress!);
        else if (m.type === 'result') resolve(m.result!);
        else if (m.type === 'error') reject(new CellTypistError(m.code!, m.message!));
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new CellTypistError('worker_exit', `the annotation worker stopped (exit code ${code})`)));
    });
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}

/** Trains a CellTypist model from a labelled .h5ad (see web/engine/train.ts); returns the .pkl bytes and facts. */
export async function train(
  input: string,
  options: TrainOptions & { variant?: 'auto' | Variant; n_threads?: number; signal?: AbortSignal },
  onProgress?: ProgressCallback,
): Promise<TrainResult> {
  const { variant: want, n_threads, signal, ...rest } = options;
  const { core, variant } = await loadCore({ variant: want });
  if (variant === 'simd-threads') await ensurePthreadWorkers(core, (n_threads ?? 2) - 1);
  const reader = await openH5adPath(input);
  try {
    return await trainReader(reader, rest, { core, n_threads: variant === 'simd-threads' ? (n_threads ?? 2) : 1, signal, onProgress });
  } finally {
    reader.close();
    if (variant === 'simd-threads') unrefPthreadWorkers(core);
  }
}

/** Metadata of a model file (with top-N markers per cell type, and the gene list if asked). */
export async function modelInfo(
  model: string | Uint8Array,
  topN = 0,
  withFeatures = false,
): Promise<ModelInfo & { markers?: Record<string, string[]>; features?: string[] }> {
  const { core } = await loadCore({ variant: 'simd' });
  const m = loadModel(core, readModelBytes(model));
  try {
    const labels = m.labels();
    const info: ModelInfo & { markers?: Record<string, string[]>; features?: string[] } = {
      labels,
      n_features: m.n_features(),
      estimator: m.estimator(),
      description: m.description(),
    };
    if (withFeatures) info.features = m.features();
    if (topN > 0) info.markers = Object.fromEntries(labels.map((l) => [l, m.top_markers(l, topN, true)]));
    return info;
  } finally {
    m.delete();
  }
}
