/**
 * The export worker: produces the downloads in chunks, never a whole file in memory — CSV tables
 * (matrices rescored chunk by chunk from the lazily read input) and the annotated .h5ad (the
 * streaming writer on a random-access file: OPFS on disk, or a Blob assembled from chunk Blobs).
 * Bytes go to the page (which writes them into the file the user picked, acknowledging each
 * chunk: backpressure) or are staged and posted as one disk-backed File/Blob for a download.
 */
import h5wasm from 'h5wasm';
import { loadModel } from '../../engine/annotate.ts';
import { BlobBackend } from '../../engine/export/blob-backend.ts';
import { coreMatrixRows, labelsCsvProducer, matrixCsvProducer, textCsvProducer, type CsvProducer } from '../../engine/export/csv-producers.ts';
import { MatrixCsvFormatter } from '../../engine/export/csv-stream.ts';
import { openInputFiles } from '../../engine/formats/open-browser.ts';
import type { MatrixReader } from '../../engine/formats/reader.ts';
import { checkWritten, writeAnnotatedH5ad, type Annotations } from '../../engine/export/h5ad-stream.ts';
import { ontologyColumns } from '../../engine/encyclopedia/ontology.ts';
import { encyclopediaFor } from './encyclopedia.ts';
import { provenanceOf } from '../../engine/export/provenance.ts';
import { rescoreStream } from '../../engine/export/rescore.ts';
import { yieldToEventLoop } from '../../engine/wasm/yield.ts';
import { readAheadBlob } from '../../engine/worker/read-ahead.ts';
import type { ScoreStream } from '../../engine/export/scores.ts';
import type { CGroup } from '../../engine/h5ad/copy.ts';
import { randomAccessFs, type RandomAccessBackend } from '../../engine/h5ad/random-access-fs.ts';
import type { H5File, H5Raw } from '../../engine/h5ad/read.ts';
import { fetchGeneTable } from '../../engine/models/fetch.ts';
import { CacheStore } from '../../engine/models/cache-store.ts';
import type { GeneTable } from '../../engine/models/registry.ts';
import { CellTypistError } from '../../engine/types.ts';
import { loadCore } from '../../engine/wasm/load.ts';
import type { ExportIn, ExportOut, ExportRequest } from './export-protocol.ts';
import { describeFailure } from './export-errors.ts';

const post = (m: ExportOut, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);
/** Bytes per chunk posted to the page or written to the staging file. */
const CHUNK = 4 << 20;
/** Chunks in flight to the page before waiting for its acknowledgements. */
const WINDOW = 2;
const STAGE_PREFIX = 'ctw-export-';
/**
 * Without OPFS the file is assembled from Blobs, which browsers other than Chromium may keep in
 * memory: above this estimated size such exports are refused with advice (Chromium has OPFS).
 */
export const BLOB_LIMIT = 1 << 30;

interface Job {
  ac: AbortController;
  acked: number;
  wake: (() => void) | null;
}
const jobs = new Map<number, Job>();

self.onmessage = (ev: MessageEvent<ExportIn>) => {
  const m = ev.data;
  const job = jobs.get(m.id);
  if (m.type === 'ack' && job) {
    job.acked++;
    job.wake?.();
  } else if (m.type === 'cancel' && job) {
    job.ac.abort();
    job.wake?.();
  } else if (m.type === 'export') {
    const j: Job = { ac: new AbortController(), acked: 0, wake: null };
    jobs.set(m.id, j);
    run(m, j)
      .catch((e) => {
        const f = describeFailure(e, j.ac.signal.aborted);
        post({ type: 'error', id: m.id, code: f.code, message: f.message });
      })
      .finally(() => jobs.delete(m.id));
  }
};

// ---- byte sinks -------------------------------------------------------------------------------

interface ByteSink {
  write(b: Uint8Array): Promise<void>;
  /** Finishes the file (posts it for 'file' delivery); returns the bytes written. */
  close(): Promise<number>;
}

/** Chunks to the page, at most WINDOW unacknowledged. */
function pageSink(id: number, job: Job): ByteSink {
  let sent = 0;
  let bytes = 0;
  return {
    async write(b) {
      while (sent - job.acked >= WINDOW && !job.ac.signal.aborted) await new Promise<void>((r) => (job.wake = r));
      if (job.ac.signal.aborted) throw new CellTypistError('cancelled', 'export cancelled');
      sent++;
      bytes += b.length;
      post({ type: 'chunk', id, bytes: b }, [b.buffer]);
    },
    async close() {
      while (sent - job.acked > 0 && !job.ac.signal.aborted) await new Promise<void>((r) => (job.wake = r));
      return bytes;
    },
  };
}

/** Chunks into a staged file (OPFS or Blobs), posted whole at the end for a download. */
async function stagedSink(req: ExportRequest): Promise<ByteSink> {
  const stage = await openStage(req);
  let pos = 0;
  return {
    async write(b) {
      stage.backend.write(b, { at: pos });
      pos += b.length;
    },
    async close() {
      const blob = await stage.finish();
      post({ type: 'file', id: req.id, blob, staging: stage.kind });
      return pos;
    },
  };
}

interface Stage {
  kind: 'opfs' | 'blob';
  backend: RandomAccessBackend;
  finish(): Promise<Blob>;
}

/** Staged files kept for downloads still reading them; older ones are removed. */
const staged: string[] = [];

async function opfsRoot(): Promise<FileSystemDirectoryHandle | null> {
  try {
    return await navigator.storage.getDirectory();
  } catch {
    return null;
  }
}

async function openStage(req: ExportRequest): Promise<Stage> {
  const root = req.staging === 'blob' ? null : await opfsRoot();
  const canSync = root && 'createSyncAccessHandle' in FileSystemFileHandle.prototype;
  if (!root || !canSync) {
    if (req.staging === 'opfs') throw new CellTypistError('no_opfs', "this browser has no origin-private file system to stage the export on disk");
    const size = estimateBytes(req);
    if (req.staging !== 'blob' && size > BLOB_LIMIT) {
      throw new CellTypistError(
        'too_large_for_memory',
        `this browser cannot stage a file of about ${(size / 1e9).toFixed(1)} GB on disk (no origin-private file system), and files above ${BLOB_LIMIT / 2 ** 30} GB are not built in memory: tick “Ask where to save each file” (Chrome, Edge), or use the command line (celltypist-wasm annotate --write-h5ad)`,
      );
    }
    const b = new BlobBackend();
    return { kind: 'blob', backend: b, finish: async () => b.toBlob() };
  }
  while (staged.length >= 3) await root.removeEntry(staged.shift()!).catch(() => {});
  const name = `${STAGE_PREFIX}${Date.now()}-${req.id}`;
  const fh = await root.getFileHandle(name, { create: true });
  staged.push(name);
  const handle = await (fh as unknown as { createSyncAccessHandle(): Promise<RandomAccessBackend & { close(): void }> }).createSyncAccessHandle();
  return {
    kind: 'opfs',
    backend: handle,
    finish: async () => {
      handle.flush();
      handle.close();
      return fh.getFile();
    },
  };
}

/** Rough size of an export's file (for the Blob limit). */
function estimateBytes(req: ExportRequest): number {
  const n = req.annotations.cell_ids.length;
  const L = req.annotations.labels.length;
  switch (req.kind) {
    case 'labels':
      return n * 64;
    case 'decision':
    case 'probability':
      return n * (L * 20 + 32);
    case 'proportions':
      return req.text?.length ?? 0;
    case 'h5ad':
      return req.file.size + n * (L * 8 + 64);
    default:
      return n * (L * 8 + 64);
  }
}

/** Removes staging files left by earlier visits. */
async function cleanStale() {
  const root = await opfsRoot();
  if (!root) return;
  for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) {
    if (name.startsWith(STAGE_PREFIX)) await root.removeEntry(name).catch(() => {});
  }
}
cleanStale().catch(() => {});

// ---- producers --------------------------------------------------------------------------------

/** Pieces (text or bytes) batched into CHUNK-sized UTF-8 writes. */
async function pipeText(producer: CsvProducer, sink: ByteSink): Promise<number> {
  const enc = new TextEncoder();
  let parts: Uint8Array[] = [];
  let size = 0;
  const flush = async () => {
    const b = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      b.set(p, at);
      at += p.length;
    }
    parts = [];
    size = 0;
    await sink.write(b);
  };
  await producer(async (piece) => {
    const b = typeof piece === 'string' ? enc.encode(piece) : piece;
    parts.push(b);
    size += b.length;
    if (size >= CHUNK) await flush();
  });
  if (size) await flush();
  return sink.close();
}

function geneMap(table: GeneTable) {
  return async () => (await fetchGeneTable(table, { store: new CacheStore() })).bytes;
}

let mountNo = 0;
/**
 * Opens the input file read-only, read lazily from the File in growing windows (read-ahead.ts:
 * WORKERFS's one synchronous read per HDF5 chunk made passes over big files ~3× slower).
 */
async function openInput(file: File): Promise<{ path: string; close(): void }> {
  const { FS } = (await h5wasm.ready) as unknown as { FS: any };
  const dir = `/in${++mountNo}`;
  FS.mkdir(dir);
  FS.mount(randomAccessFs(FS), { files: [{ name: file.name, backend: readAheadBlob(file) }] }, dir);
  return { path: `${dir}/${file.name}`, close: () => FS.unmount(dir) };
}

/** Opens an HDF5 input for the format readers (its own mount, closed with the reader). */
async function openHdf5(file: File): Promise<H5File> {
  const input = await openInput(file);
  const f = new h5wasm.File(input.path, 'r') as unknown as H5File;
  const close = f.close.bind(f);
  f.close = () => {
    close();
    input.close();
  };
  return f;
}

/** Rescoring the input as the run did (any input format); the caller closes the reader and model. */
async function scoresFor(req: ExportRequest, job: Job) {
  const { core, variant } = await loadCore();
  const model = loadModel(core, req.model);
  let reader: MatrixReader;
  try {
    reader = await openInputFiles(req.files ?? [req.file], { openHdf5, h5_raw: (await h5wasm.ready) as unknown as H5Raw, model_features: model.features(), transpose_input: req.transpose_input });
  } catch (e) {
    model.delete();
    throw e;
  }
  const n = req.annotations.cell_ids.length;
  const stream = rescoreStream(reader, model, req.options, {
    core,
    variant,
    n_threads: variant === 'simd-threads' ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2)) : 1,
    signal: job.ac.signal,
    geneMap: req.geneTable ? geneMap(req.geneTable) : undefined,
    idTable: req.idTable ? geneMap(req.idTable) : undefined,
  });
  const scores: ScoreStream = (onChunk) =>
    stream(async (c) => {
      await onChunk(c);
      post({ type: 'progress', id: req.id, fraction: (c.start + c.rows) / n, message: `${(c.start + c.rows).toLocaleString('en-US')} of ${n.toLocaleString('en-US')} cells` });
    });
  return { scores, core, close: () => (reader.close(), model.delete()) };
}

async function run(req: ExportRequest, job: Job): Promise<void> {
  const sink = () => (req.delivery === 'stream' ? Promise.resolve(pageSink(req.id, job)) : stagedSink(req));
  let bytes: number;
  let warnings: string[] = [];
  if (req.kind === 'labels' || req.kind === 'proportions') {
    bytes = await pipeText(req.kind === 'labels' ? labelsCsvProducer(req.annotations) : textCsvProducer(req.text ?? ''), await sink());
  } else if (req.kind === 'decision' || req.kind === 'probability') {
    const s = await scoresFor(req, job);
    const formatter = new MatrixCsvFormatter(s.core, req.annotations.labels);
    try {
      bytes = await pipeText(matrixCsvProducer(req.annotations.cell_ids, req.annotations.labels, s.scores, req.kind, coreMatrixRows(formatter)), await sink());
    } finally {
      formatter.free();
      s.close();
    }
  } else {
    ({ bytes, warnings } = await runH5ad(req, job));
  }
  post({ type: 'done', id: req.id, bytes, warnings });
}

/** The annotations plus the labels' Cell Ontology IDs when a shipped encyclopedia describes them. */
async function withOntology(req: ExportRequest): Promise<Annotations> {
  const a = req.annotations;
  const match = await encyclopediaFor({ name: req.modelName, version: req.modelVersion, labels: a.labels });
  return match ? { ...a, ontology: ontologyColumns(a, match.encyclopedia) } : a;
}

/** The annotated .h5ad: written on a staged random-access file, then handed over or streamed. */
async function runH5ad(req: ExportRequest, job: Job): Promise<{ bytes: number; warnings: string[] }> {
  const { FS } = (await h5wasm.ready) as unknown as { FS: any };
  if ((req.files?.length ?? 1) > 1 || !/\.h5ad$/i.test(req.file.name)) {
    throw new CellTypistError('not_h5ad_input', `the annotated .h5ad adds the annotations to an .h5ad input, and '${req.file.name}' is not one: download the CSV tables instead, or convert the data to .h5ad first`);
  }
  const input = await openInput(req.file);
  // 'file' delivery: the staged file is the download itself; 'stream': copied to the page after.
  const own = await openStage(req.delivery === 'file' ? req : { ...req, staging: 'auto' });
  const fs = randomAccessFs(FS);
  const dir = `/out${++mountNo}`;
  FS.mkdir(dir);
  FS.mount(fs, { files: [{ name: 'out.h5ad', backend: own.backend }] }, dir);
  let warnings: string[] = [];
  try {
    const file = new h5wasm.File(input.path, 'r') as unknown as CGroup & { close(): void };
    const s = await scoresFor(req, job);
    try {
      const provenance = await provenanceOf(req.modelName, req.model, req.modelVersion, req.options);
      const annotations = await withOntology(req);
      ({ warnings } = await writeAnnotatedH5ad(h5wasm as never, file, `${dir}/out.h5ad`, annotations, s.scores, provenance, {
        light: req.kind === 'h5ad-light',
        signal: job.ac.signal,
        onProgress: (fraction, message) => post({ type: 'progress', id: req.id, fraction, message: `writing: ${message}` }),
        tick: yieldToEventLoop,
      }));
    } catch (e) {
      throw fs.state.lastError ?? e;
    } finally {
      s.close();
      file.close();
    }
    // h5wasm may not throw when a write fails (full disk or storage quota): check the result.
    if (fs.state.lastError) throw fs.state.lastError;
    const head = new Uint8Array(64);
    own.backend.read(head, { at: 0 });
    checkWritten(head, own.backend.getSize(), req.kind === 'h5ad' ? 'the annotated .h5ad' : 'the annotations-only .h5ad');
  } finally {
    FS.unmount(dir);
    input.close();
  }
  const blob = await own.finish();
  if (req.delivery === 'file') {
    post({ type: 'file', id: req.id, blob, staging: own.kind });
    return { bytes: blob.size, warnings };
  }
  const sink = pageSink(req.id, job);
  for (let at = 0; at < blob.size; at += CHUNK) {
    await sink.write(new Uint8Array(await blob.slice(at, Math.min(blob.size, at + CHUNK)).arrayBuffer()));
    post({ type: 'progress', id: req.id, fraction: Math.min(1, (at + CHUNK) / blob.size), message: `saving: ${(Math.min(blob.size, at + CHUNK) / 1e6).toFixed(0)} of ${(blob.size / 1e6).toFixed(0)} MB` });
  }
  return { bytes: await sink.close(), warnings };
}
