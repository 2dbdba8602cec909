/**
 * The export worker: produces the downloads in chunks, never a whole file in memory — CSV tables
 * (matrices rescored chunk by chunk from the lazily read input) and the annotated .h5ad
 * (export-h5ad.ts). Bytes go to the page (which writes them into the file the user picked or its
 * service worker's download stream, acknowledging each chunk: backpressure) or are staged
 * (export-stage.ts: OPFS or Blobs) and posted as one File/Blob for a download, checked to have
 * every byte first. Failures are described with what the storage says (export-errors.ts).
 */
import h5wasm from 'h5wasm';
import { loadModel } from '../../engine/annotate.ts';
import { coreMatrixRows, labelsCsvProducer, matrixCsvProducer, textCsvProducer, type CsvProducer } from '../../engine/export/csv-producers.ts';
import { MatrixCsvFormatter } from '../../engine/export/csv-stream.ts';
import { openInputFiles } from '../../engine/formats/open-browser.ts';
import type { MatrixReader } from '../../engine/formats/reader.ts';
import type { Annotations } from '../../engine/export/h5ad-stream.ts';
import { ontologyColumns } from '../../engine/encyclopedia/ontology.ts';
import { encyclopediaFor } from './encyclopedia.ts';
import { rescoreStream } from '../../engine/export/rescore.ts';
import { yieldToEventLoop } from '../../engine/wasm/yield.ts';
import { readAheadBlob } from '../../engine/worker/read-ahead.ts';
import type { ScoreStream } from '../../engine/export/scores.ts';
import { randomAccessFs } from '../../engine/h5ad/random-access-fs.ts';
import type { H5File, H5Raw } from '../../engine/h5ad/read.ts';
import { fetchGeneTable } from '../../engine/models/fetch.ts';
import { CacheStore } from '../../engine/models/cache-store.ts';
import type { GeneTable } from '../../engine/models/registry.ts';
import { CellTypistError } from '../../engine/types.ts';
import { loadCore } from '../../engine/wasm/load.ts';
import type { ExportIn, ExportOut, ExportRequest } from './export-protocol.ts';
import { describeFailure } from './export-errors.ts';
import { runH5ad } from './export-h5ad.ts';
import { cleanStale, openStage, opfsUsable } from './export-stage.ts';

const post = (m: ExportOut, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);
/** Bytes per chunk posted to the page or written to the staging file. */
const CHUNK = 4 << 20;
/** Chunks in flight to the page before waiting for its acknowledgements. */
const WINDOW = 2;

interface Job {
  ac: AbortController;
  acked: number;
  wake: (() => void) | null;
  /** Where the bytes were going (for the failure's message). */
  where: 'stream' | 'opfs' | 'blob';
}

async function storageNow(): Promise<{ quota: number; usage: number } | undefined> {
  try {
    const e = await navigator.storage.estimate();
    return typeof e.quota === 'number' ? { quota: e.quota, usage: e.usage ?? 0 } : undefined;
  } catch {
    return undefined;
  }
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
    const j: Job = { ac: new AbortController(), acked: 0, wake: null, where: m.delivery === 'stream' ? 'stream' : m.staging === 'blob' ? 'blob' : 'opfs' };
    jobs.set(m.id, j);
    run(m, j)
      .catch(async (e) => {
        const f = describeFailure(e, j.ac.signal.aborted, { where: j.where, storage: await storageNow() });
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
  const stage = await openStage(req.staging === 'blob' ? 'blob' : 'opfs', req.staging === 'blob' ? 0 : (req.estimate ?? 0), req.test_quota);
  let pos = 0;
  return {
    async write(b) {
      try {
        stage.backend.write(b, { at: pos });
      } catch (e) {
        await stage.discard();
        throw e;
      }
      pos += b.length;
    },
    async close() {
      const blob = await stage.finish(pos).catch(async (e) => {
        await stage.discard();
        throw e;
      });
      post({ type: 'file', id: req.id, blob, staging: stage.kind });
      return pos;
    },
  };
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

async function run(asked: ExportRequest, job: Job): Promise<void> {
  // 'auto' staging of a file delivery: OPFS when this worker can write it, else Blobs.
  const staging = asked.staging === 'opfs' || asked.staging === 'blob' ? asked.staging : (await opfsUsable()) ? 'opfs' : 'blob';
  const req = { ...asked, staging };
  if (req.delivery === 'file') job.where = staging;
  const sink = () => (req.delivery === 'stream' ? Promise.resolve(pageSink(req.id, job)) : stagedSink(req));
  let bytes: number;
  let warnings: string[] = [];
  let via: string = req.delivery === 'stream' ? 'stream' : req.staging === 'blob' ? 'blob' : 'opfs';
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
    ({ bytes, warnings, via } = await runH5ad(
      { ...req, annotations: await withOntology(req) },
      {
        openInput,
        scoresFor: (r) => scoresFor(r, job),
        streamSink: () => pageSink(req.id, job),
        postFile: (blob, staging) => post({ type: 'file', id: req.id, blob, staging }),
        progress: (fraction, message) => post({ type: 'progress', id: req.id, fraction, message }),
        signal: job.ac.signal,
      },
      req.estimate ?? 0,
    ));
  }
  post({ type: 'done', id: req.id, bytes, warnings, via });
}

/** The annotations plus the labels' Cell Ontology IDs when a shipped encyclopedia describes them. */
async function withOntology(req: ExportRequest): Promise<Annotations> {
  const a = req.annotations;
  const match = await encyclopediaFor({ name: req.modelName, version: req.modelVersion, labels: a.labels });
  return match ? { ...a, ontology: ontologyColumns(a, match.encyclopedia) } : a;
}
