/**
 * The annotated .h5ad in the export worker. HDF5 writes at positions, so the file is built on a
 * random-access file first: an OPFS file (where the storage takes it: the worker asks for the room
 * before writing) or Blobs (small files), then handed over whole or copied chunk by chunk to the
 * page's stream. Where no such room exists (a private window) and the bytes go to a stream, it is
 * written twice instead (engine/export/replay-file.ts): a first pass records where every byte
 * goes, the second streams the file front to back, checked write by write against the first.
 */
import h5wasm from 'h5wasm';
import { CHUNK_BYTES, type CGroup } from '../../engine/h5ad/copy.ts';
import { randomAccessFs, type RandomAccessBackend } from '../../engine/h5ad/random-access-fs.ts';
import { checkWritten, writeAnnotatedH5ad } from '../../engine/export/h5ad-stream.ts';
import { provenanceOf } from '../../engine/export/provenance.ts';
import { KEEP_BYTES, LayoutRecorder, ReplayStreamer, withClockAt } from '../../engine/export/replay-file.ts';
import type { ScoreStream } from '../../engine/export/scores.ts';
import { CellTypistError } from '../../engine/types.ts';
import { yieldToEventLoop } from '../../engine/wasm/yield.ts';
import type { ExportRequest } from './export-protocol.ts';
import { openStage, type Stage } from './export-stage.ts';

/** What the worker lends the .h5ad writer. */
export interface H5adDeps {
  /** Opens the input read-only (lazily read from the File). */
  openInput(file: File): Promise<{ path: string; close(): void }>;
  /** A rescoring pass over the input, as the run scored it. */
  scoresFor(req: ExportRequest): Promise<{ scores: ScoreStream; close(): void }>;
  /** The chunk stream to the page (delivery 'stream'); close() returns the bytes sent. */
  streamSink(): { write(b: Uint8Array): Promise<void>; close(): Promise<number> };
  /** Posts the staged file for a normal download (delivery 'file'). */
  postFile(blob: Blob, staging: 'opfs' | 'blob'): void;
  progress(fraction: number, message: string): void;
  signal: AbortSignal;
}

/** Bytes per chunk sent to the page. */
const CHUNK = 4 << 20;
let mounts = 0;

type FS = { mkdir(p: string): void; mount(t: unknown, o: unknown, p: string): void; unmount(p: string): void };

export async function runH5ad(req: ExportRequest, deps: H5adDeps, estimate: number): Promise<{ bytes: number; warnings: string[]; via: string }> {
  if ((req.files?.length ?? 1) > 1 || !/\.h5ad$/i.test(req.file.name)) {
    throw new CellTypistError('not_h5ad_input', `the annotated .h5ad adds the annotations to an .h5ad input, and '${req.file.name}' is not one: download the CSV tables instead, or convert the data to .h5ad first`);
  }
  const what = req.kind === 'h5ad' ? 'the annotated .h5ad' : 'the annotations-only .h5ad';
  let stage: Stage | null = null;
  if (req.delivery === 'file') stage = await openStage(req.staging === 'blob' ? 'blob' : 'opfs', req.staging === 'blob' ? 0 : estimate, req.test_quota);
  else if (req.h5ad === 'blob') stage = await openStage('blob');
  else if (req.h5ad !== 'replay') {
    // 'auto': OPFS if it takes the whole file, else the two-pass stream.
    stage = await openStage('opfs', estimate, req.test_quota).catch((e) => {
      if ((e as Error).name === 'QuotaExceededError' || (e as CellTypistError).code === 'no_opfs') return null;
      throw e;
    });
  }
  if (!stage) return { ...(await replay(req, deps, what)), via: 'replay' };
  let blob: Blob;
  let warnings: string[];
  try {
    ({ warnings } = await writePass(req, deps, stage.backend, await deps.scoresFor(req), (f, m) => deps.progress(f, `writing: ${m}`)));
    const head = new Uint8Array(64);
    stage.backend.read(head, { at: 0 });
    checkWritten(head, stage.backend.getSize(), what);
    blob = await stage.finish(stage.backend.getSize());
  } catch (e) {
    await stage.discard();
    // The storage took less than it said it would (a private window's in-memory storage reports a
    // quota it cannot hold): nothing was sent yet, so a streamed file is written twice instead.
    if (req.delivery === 'stream' && (e as Error).name === 'QuotaExceededError' && !deps.signal.aborted) {
      deps.progress(0, 'the browser’s storage is smaller than it reported: writing the file twice, front to back');
      return { ...(await replay(req, deps, what)), via: 'replay' };
    }
    throw e;
  }
  if (req.delivery === 'file') {
    deps.postFile(blob, stage.kind);
    return { bytes: blob.size, warnings, via: stage.kind };
  }
  const sink = deps.streamSink();
  for (let at = 0; at < blob.size; at += CHUNK) {
    await sink.write(new Uint8Array(await blob.slice(at, Math.min(blob.size, at + CHUNK)).arrayBuffer()));
    deps.progress(Math.min(1, (at + CHUNK) / blob.size), `saving: ${(Math.min(blob.size, at + CHUNK) / 1e6).toFixed(0)} of ${(blob.size / 1e6).toFixed(0)} MB`);
  }
  const bytes = await sink.close();
  await stage.discard();
  return { bytes, warnings, via: stage.kind };
}

/** One write of the file onto `backend` (its own mount); the scores are closed after. */
async function writePass(
  req: ExportRequest,
  deps: H5adDeps,
  backend: RandomAccessBackend,
  s: { scores: ScoreStream | null; close(): void },
  onProgress: (fraction: number, message: string) => void,
  o: { date?: string; tick?: () => Promise<void> } = {},
): Promise<{ warnings: string[] }> {
  const { FS } = (await h5wasm.ready) as unknown as { FS: FS };
  const input = await deps.openInput(req.file);
  const fs = randomAccessFs(FS);
  const dir = `/h5out${++mounts}`;
  FS.mkdir(dir);
  FS.mount(fs, { files: [{ name: 'out.h5ad', backend }] }, dir);
  try {
    const file = new h5wasm.File(input.path, 'r') as unknown as CGroup & { close(): void };
    try {
      const provenance = await provenanceOf(req.modelName, req.model, req.modelVersion, req.options);
      return await writeAnnotatedH5ad(h5wasm as never, file, `${dir}/out.h5ad`, req.annotations, s.scores, provenance, {
        light: req.kind === 'h5ad-light',
        signal: deps.signal,
        onProgress,
        tick: o.tick ?? yieldToEventLoop,
        date: o.date,
      });
    } catch (e) {
      throw fs.state.lastError ?? e;
    } finally {
      file.close();
    }
  } finally {
    FS.unmount(dir);
    input.close();
    s.close();
    // h5wasm may not throw when a write fails (full storage): the backend's error is the cause.
    if (fs.state.lastError) throw fs.state.lastError;
  }
}

/** Zero probabilities in the writer's chunks (the first pass needs the layout, not the values). */
function zeroScores(n: number, L: number): ScoreStream {
  const rows = 4096;
  const zeros = new Float64Array(rows * L);
  return async (onChunk) => {
    for (let start = 0; start < n; start += rows) {
      const r = Math.min(rows, n - start);
      await onChunk({ start, rows: r, decision: zeros.subarray(0, r * L), probability: zeros.subarray(0, r * L) });
    }
  };
}

/** The file written twice: layout first, then streamed front to back. */
async function replay(req: ExportRequest, deps: H5adDeps, what: string): Promise<{ bytes: number; warnings: string[] }> {
  const n = req.annotations.cell_ids.length;
  const L = req.annotations.labels.length;
  // Stopped clock and fixed date: both passes write the same bytes.
  const clock = Date.now();
  const date = new Date(clock).toISOString();
  // The probabilities' HDF5 chunks are large writes (their bytes are not recorded) when a chunk
  // holds more than KEEP_BYTES: then zeros give the first pass the same layout without rescoring.
  const chunkRows = Math.max(1, Math.min(n, Math.floor(CHUNK_BYTES / (8 * L))));
  const zerosWillDo = chunkRows * L * 8 > KEEP_BYTES;
  const recorder = new LayoutRecorder();
  const first = zerosWillDo ? { scores: zeroScores(n, L), close() {} } : await deps.scoresFor(req);
  await withClockAt(clock, () => writePass(req, deps, recorder, first, (f, m) => deps.progress(f / 2, `preparing (1 of 2): ${m}`), { date }));
  const layout = recorder.layout();
  const sink = deps.streamSink();
  let queue: Uint8Array[] = [];
  let queued = 0;
  const drain = async (all: boolean) => {
    while (queued >= CHUNK || (all && queued > 0)) {
      const size = Math.min(queued, CHUNK);
      const out = new Uint8Array(size);
      let at = 0;
      while (at < size) {
        const head = queue[0];
        const take = Math.min(head.length, size - at);
        out.set(head.subarray(0, take), at);
        at += take;
        if (take === head.length) queue.shift();
        else queue[0] = head.subarray(take);
      }
      queued -= size;
      await sink.write(out);
    }
  };
  const streamer = new ReplayStreamer(layout, (b) => {
    queue.push(b);
    queued += b.length;
  });
  const { warnings } = await withClockAt(clock, async () =>
    writePass(req, deps, streamer, await deps.scoresFor(req), (f, m) => deps.progress(0.5 + f / 2, `writing (2 of 2): ${m}`), {
      date,
      tick: async () => {
        await yieldToEventLoop();
        await drain(false);
      },
    }),
  );
  streamer.finish();
  await drain(true);
  queue = [];
  const head = new Uint8Array(64);
  streamer.read(head, { at: 0 });
  checkWritten(head, layout.size, what);
  const bytes = await sink.close();
  if (bytes !== layout.size) throw new CellTypistError('write_failed', `${what} was sent with ${bytes.toLocaleString('en-US')} of its ${layout.size.toLocaleString('en-US')} bytes: export it again`);
  return { bytes, warnings };
}
