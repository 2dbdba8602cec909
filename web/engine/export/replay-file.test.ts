// The annotated .h5ad written front to back in two passes (replay-file.ts): the streamed bytes equal
// the file written on a random-access backend, the layout knows the exact size before the second
// pass, metadata held is small, and any difference between the passes is an error, not a file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { annotate } from '../node.ts';
import { sharedPath } from '../testing/fixtures.ts';
import { writeTestH5ad } from '../testing/write-h5ad.ts';
import type { CGroup } from '../h5ad/copy.ts';
import { MemoryBackend, randomAccessFs, type RandomAccessBackend } from '../h5ad/random-access-fs.ts';
import { writeAnnotatedH5ad } from './h5ad-stream.ts';
import { type FileLayout, HEAD_BYTES, KEEP_BYTES, LayoutRecorder, ReplayStreamer, withClockAt } from './replay-file.ts';
import { scoresFromResult, type ScoreChunk, type ScoreStream } from './scores.ts';
import type { Annotations } from './h5ad-stream.ts';

const INPUT = sharedPath('fixtures/synthetic/query_1k.h5ad');
const DATE = '2026-01-02T03:04:05.678Z';
let mounts = 0;

/**
 * One write of the annotated file (input `inputPath` in h5wasm's file system, annotations `ann`)
 * onto `backend`, at a stopped clock: HDF5 stamps objects with the time of day, and the two
 * passes must write the same bytes.
 */
async function writeOnto(
  h5wasm: unknown,
  FS: any,
  backend: RandomAccessBackend,
  inputPath: string,
  ann: Parameters<typeof writeAnnotatedH5ad>[3],
  scores: ScoreStream,
  model: string,
  slice_bytes?: number,
): Promise<void> {
  const fs = randomAccessFs(FS);
  const dir = `/replay${++mounts}`;
  FS.mkdir(dir);
  FS.mount(fs, { files: [{ name: 'out.h5ad', backend }] }, dir);
  const input = new (h5wasm as { File: new (p: string, m: string) => unknown }).File(inputPath, 'r') as CGroup & { close(): void };
  try {
    await withClockAt(Date.parse(DATE), () => writeAnnotatedH5ad(h5wasm as never, input, `${dir}/out.h5ad`, ann, scores, { model, model_version: '', model_sha256: '', options: {} }, { slice_bytes, date: DATE }));
  } catch (e) {
    throw fs.state.lastError ?? e;
  } finally {
    input.close();
    FS.unmount(dir);
  }
  if (fs.state.lastError) throw fs.state.lastError;
}

async function setup() {
  const h5wasm = (await import('h5wasm')).default;
  const { FS } = (await h5wasm.ready) as unknown as { FS: any };
  FS.writeFile('/replay-input.h5ad', readFileSync(INPUT));
  const r = await annotate(INPUT, sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd', majority_voting: true, over_clustering: 'given_clusters' });
  /** One write of the annotated file onto `backend` (small chunks: the 1k file has large writes too). */
  const write = (backend: RandomAccessBackend, scores: ScoreStream = scoresFromResult(r, 250)) => writeOnto(h5wasm, FS, backend, '/replay-input.h5ad', r, scores, 'toy_lr.pkl', 200_000);
  return { r, write };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('replayed (two-pass, front-to-back) .h5ad writes', () => {
  it('stream the same bytes as a random-access write; the size is known after pass 1', async () => {
    const { write } = await setup();
    const mem = new MemoryBackend();
    await write(mem);
    const rec = new LayoutRecorder();
    await write(rec);
    const layout = rec.layout();
    assert.equal(layout.size, mem.getSize());
    // Most of the file is data whose bytes pass 1 did not keep.
    const kept = layout.extents.filter((e) => layout.ops[e.op].small).reduce((a, e) => a + e.end - e.start, 0);
    assert.ok(kept < layout.size / 2, `${kept} of ${layout.size} bytes kept`);
    const parts: Uint8Array[] = [];
    const replay = new ReplayStreamer(layout, (b) => parts.push(b.slice()));
    await write(replay);
    replay.finish();
    assert.deepEqual(concat(parts), mem.bytes());
  });

  it('a second pass that differs (other scores in small writes) is an error, never a file', async () => {
    const { r, write } = await setup();
    const rec = new LayoutRecorder();
    await write(rec);
    // 1,000 × 6 probabilities are one small chunk: other values change a recorded small write.
    const other = { ...r, probability_matrix: r.probability_matrix!.map((v) => 1 - v) };
    const replay = new ReplayStreamer(rec.layout(), () => {});
    await assert.rejects(
      (async () => {
        await write(replay, scoresFromResult(other, 250));
        replay.finish();
      })(),
      /streamed \.h5ad could not be written \(write \d+ differs between the passes\)/,
    );
  });

  it('holes, overwrites, out-of-order data and truncation; bounded waiting', () => {
    const big = (n: number, v: number) => new Uint8Array(KEEP_BYTES + 1 + n).fill(v);
    const ops: [number, Uint8Array | number][] = [
      [0, Uint8Array.of(1, 2, 3, 4)],
      [3 * KEEP_BYTES, big(10, 7)], // data after a hole
      [100, big(0, 5)], // data written later at an earlier place
      [2, Uint8Array.of(9, 9)], // metadata rewritten
      [200, Uint8Array.of(6)], // inside the earlier data
      [5 * KEEP_BYTES, 0], // truncation
    ];
    const run = (b: RandomAccessBackend) => {
      for (const [at, x] of ops) {
        if (typeof x === 'number') b.truncate(at);
        else b.write(x, { at });
      }
    };
    const mem = new MemoryBackend();
    run(mem);
    const rec = new LayoutRecorder();
    run(rec);
    const layout: FileLayout = rec.layout();
    assert.equal(layout.size, mem.getSize());
    const parts: Uint8Array[] = [];
    const replay = new ReplayStreamer(layout, (b) => parts.push(b.slice()));
    run(replay);
    replay.finish();
    assert.deepEqual(concat(parts), mem.bytes());
    // Holding more than maxPending bytes ahead of an unwritten part is refused.
    const tight = new ReplayStreamer(layout, () => {}, { maxPending: 1000 });
    assert.throws(() => run(tight), /wrote 0 MB ahead of an unwritten part/);
  });

  it('large writes read back: zeros and the head after metadata are answered, other parts are an error in either pass', () => {
    const data = (v: number) => new Uint8Array(KEEP_BYTES + 1).fill(v);
    const run = (b: RandomAccessBackend) => {
      b.write(Uint8Array.of(1, 2, 3), { at: 0 });
      b.write(new Uint8Array(KEEP_BYTES + 1), { at: 3 }); // a fill of zeros
      b.write(data(7), { at: 3 + KEEP_BYTES + 1 }); // data after data: no head kept
      const z = new Uint8Array(8).fill(9);
      assert.equal(b.read(z, { at: 1 }), 8);
      assert.deepEqual([...z], [2, 3, 0, 0, 0, 0, 0, 0]);
      b.write(data(5), { at: 3 }); // the fill converted: follows metadata, its head is kept
      const h = new Uint8Array(HEAD_BYTES);
      b.read(h, { at: 2 });
      assert.deepEqual([...h.subarray(0, 3)], [3, 5, 5]);
      assert.throws(() => b.read(new Uint8Array(8), { at: 3 + HEAD_BYTES - 4 }), /read back a large written part: 8 bytes at byte 4,095, 4,092 bytes into a 65,537-byte write, which the two-pass write does not keep/);
      assert.throws(() => b.read(new Uint8Array(8), { at: 3 + KEEP_BYTES + 1 }), /read back a large written part: 8 bytes/);
    };
    const rec = new LayoutRecorder();
    run(rec);
    assert.equal(rec.read(new Uint8Array(8), { at: 3 + 2 * (KEEP_BYTES + 1) }), 0);
    const replay = new ReplayStreamer(rec.layout(), () => {});
    run(replay);
    replay.finish();
  });

  it('string columns longer than a kept write (HDF5 reads back what it wrote): the streamed bytes equal a direct write', async () => {
    // 60,000 cells and 19,639 genes (the shapes of the 200k bench file where this failed): each
    // variable-length string column's references (16 bytes a string) are writes larger than
    // KEEP_BYTES, filled with zeros when HDF5 allocates them, read back as the background of the
    // strings' conversion, then written; and the metadata cache, full of the strings' global heap,
    // evicts a group's object header that HDF5 placed just before var's numeric column: reading it
    // again (512 bytes, speculatively) runs 464 bytes into that column's data.
    const n = 60_000;
    const g = 19_639;
    const L = 4;
    const indptr = Int32Array.from({ length: n + 1 }, (_, i) => 3 * i);
    const indices = Int32Array.from({ length: 3 * n }, (_, k) => (k * 7919) % g);
    const data = Float32Array.from({ length: 3 * n }, (_, k) => 1 + (k % 5));
    const cells = Array.from({ length: n }, (_, i) => `cell-${i}-${(i * 2654435761) % 1e6}`);
    const genes = Array.from({ length: g }, (_, j) => `GENE${j}`);
    const path = await writeTestH5ad('strings.h5ad', { data, indices, indptr, n_cols: g }, cells, genes, { c: Float64Array.from(genes, (_, j) => j) });
    const h5wasm = (await import('h5wasm')).default;
    const { FS } = (await h5wasm.ready) as unknown as { FS: any };
    FS.writeFile('/replay-strings.h5ad', readFileSync(path));
    const labels = Array.from({ length: L }, (_, i) => `Cell type ${i}`);
    const predicted = cells.map((_, i) => labels[(i * 31) % L]);
    const ann: Annotations = {
      cell_ids: cells,
      labels,
      predicted_labels: predicted,
      conf_score: Float64Array.from(cells, (_, i) => (i % 997) / 997),
      over_clustering: cells.map((_, i) => String(i % 120)),
      majority_voting: predicted,
    };
    const prob = Float64Array.from({ length: n * L }, (_, k) => ((k * 40503) % 65536) / 65536);
    const scores = (zeros = false): ScoreStream => async (on) => {
      for (let start = 0; start < n; start += 1024) {
        const rows = Math.min(1024, n - start);
        const p = zeros ? new Float64Array(rows * L) : prob.subarray(start * L, (start + rows) * L);
        await on({ start, rows, decision: p, probability: p } satisfies ScoreChunk);
      }
    };
    const write = (backend: RandomAccessBackend, s: ScoreStream) => writeOnto(h5wasm, FS, backend, '/replay-strings.h5ad', ann, s, 'm.pkl');
    const mem = new MemoryBackend();
    await write(mem, scores());
    // As the app does: the first pass writes zero probabilities (its chunks are large writes).
    const rec = new LayoutRecorder();
    await write(rec, scores(true));
    const layout = rec.layout();
    assert.equal(layout.size, mem.getSize());
    // Kept: metadata (mostly the strings themselves, in HDF5's global heap) and a few heads.
    const heads = layout.ops.filter((o) => o.head).length;
    assert.ok(heads > 0 && heads < 40, `${heads} heads kept`);
    const parts: Uint8Array[] = [];
    const replay = new ReplayStreamer(layout, (b) => parts.push(b.slice()));
    await write(replay, scores());
    replay.finish();
    const out = concat(parts);
    assert.equal(out.length, mem.getSize());
    assert.ok(Buffer.from(out).equals(Buffer.from(mem.bytes())), 'the streamed bytes equal the direct write');
  });
});
