// The random-access file system under h5wasm's browser build (loaded here in Node): the streaming
// writer writes an annotated .h5ad onto a memory backend and onto the Blob backend (the browser's
// fallback), without the Blob backend ever reading large written parts back; anndata opens both.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { annotate } from '../node.ts';
import { sharedPath } from '../testing/fixtures.ts';
import { BlobBackend } from '../export/blob-backend.ts';
import { checkWritten, writeAnnotatedH5ad } from '../export/h5ad-stream.ts';
import { scoresFromResult } from '../export/scores.ts';
import type { CGroup } from './copy.ts';
import { MemoryBackend, randomAccessFs, type RandomAccessBackend } from './random-access-fs.ts';

const INPUT = sharedPath('fixtures/synthetic/query_1k.h5ad');

async function writeOn(backend: RandomAccessBackend, mount: string, state?: { lastError: unknown }) {
  const h5wasm = (await import('h5wasm')).default;
  const { FS } = (await h5wasm.ready) as unknown as { FS: any };
  FS.writeFile('/input.h5ad', readFileSync(INPUT));
  const fs = randomAccessFs(FS);
  if (state) Object.defineProperty(state, 'lastError', { get: () => fs.state.lastError });
  FS.mkdir(mount);
  FS.mount(fs, { files: [{ name: 'out.h5ad', backend }] }, mount);
  const r = await annotate(INPUT, sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd', majority_voting: true, over_clustering: 'given_clusters' });
  const input = new h5wasm.File('/input.h5ad', 'r') as unknown as CGroup & { close(): void };
  try {
    await writeAnnotatedH5ad(h5wasm as never, input, `${mount}/out.h5ad`, r, scoresFromResult(r, 250), { model: 'toy_lr.pkl', model_version: '', model_sha256: '', options: {} }, { slice_bytes: 200_000 });
  } finally {
    input.close();
    FS.unmount(mount);
  }
  return r;
}

function checkInAnndata(bytes: Uint8Array, labels: string[]) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ctw-rafs-')), 'out.h5ad');
  writeFileSync(file, bytes);
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import anndata'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'skipped';
  const r = spawnSync('/usr/bin/python3', ['-c', `import sys, anndata as ad; a = ad.read_h5ad(sys.argv[1]); print(a.shape, a.obsm['probability_matrix'].shape, list(a.obs['predicted_labels']) == sys.argv[2].split('|'), a.X.sum() > 0)`, file, labels.join('|')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '(1000, 1550) (1000, 6) True True');
  return 'checked';
}

describe('random-access file system for h5wasm', () => {
  it('writes a readable annotated file onto a memory backend', async () => {
    const mem = new MemoryBackend();
    const r = await writeOn(mem, '/mem');
    assert.ok(mem.getSize() > 1_000_000);
    checkInAnndata(mem.bytes(), r.predicted_labels);
  });

  it('writes it onto Blobs without reading large parts back', async () => {
    const blobs = new BlobBackend(() => {
      throw new Error('a large written part was read back');
    });
    const r = await writeOn(blobs, '/blobs');
    const bytes = new Uint8Array(await blobs.toBlob().arrayBuffer());
    assert.equal(bytes.length, blobs.getSize());
    assert.equal(blobs.bytesReadBack, 0);
    checkInAnndata(bytes, r.predicted_labels);
  });

  it('a full disk is never a silent, broken file: the backend error is kept and the result fails the check', async () => {
    class FullDisk extends MemoryBackend {
      override write(src: Uint8Array, o: { at: number }): number {
        if (o.at + src.length > 1_500_000) throw new DOMException('no space', 'QuotaExceededError');
        return super.write(src, o);
      }
    }
    const disk = new FullDisk();
    const state = { lastError: null as unknown };
    let threw: unknown = null;
    try {
      await writeOn(disk, '/full', state);
    } catch (e) {
      threw = e;
    }
    assert.equal((state.lastError as DOMException | null)?.name, 'QuotaExceededError');
    if (!threw) {
      const head = new Uint8Array(64);
      disk.read(head, { at: 0 });
      assert.throws(() => checkWritten(head, disk.getSize(), 'out.h5ad'), /not written completely .*full/);
    }
  });

  it('Blob backend: overwrites, holes and truncation behave like a file', () => {
    const b = new BlobBackend((blob) => new Uint8Array(0 * blob.size));
    const m = new MemoryBackend();
    const ops: [number, number[]][] = [
      [0, [1, 2, 3, 4, 5, 6, 7, 8]],
      [20, [9, 9, 9]],
      [2, [7, 7]],
      [6, [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]],
    ];
    for (const [at, xs] of ops) {
      b.write(Uint8Array.from(xs), { at });
      m.write(Uint8Array.from(xs), { at });
    }
    b.truncate(21);
    m.truncate(21);
    const got = new Uint8Array(21);
    const want = new Uint8Array(21);
    assert.equal(b.read(got, { at: 0 }), 21);
    m.read(want, { at: 0 });
    assert.deepEqual(got, want);
  });
});
