// The read-ahead file under h5wasm: exact bytes for any read pattern, few calls for sequential
// streams (the point of it), bounded memory, and a real .h5ad read through it equals the file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { randomAccessFs } from '../h5ad/random-access-fs.ts';
import { H5adReader, type H5File } from '../h5ad/read.ts';
import { openH5adPath } from '../h5ad/open-node.ts';
import { sharedPath } from '../testing/fixtures.ts';
import { ReadAheadFile } from './read-ahead.ts';

function source(size: number) {
  const bytes = new Uint8Array(size);
  let x = 12345;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  const calls: [number, number][] = [];
  return { bytes, calls, read: (s: number, e: number) => (calls.push([s, e]), bytes.slice(s, e)) };
}

describe('ReadAheadFile', () => {
  it('returns the exact bytes for scattered, overlapping and end-of-file reads', () => {
    const src = source(3_000_000);
    const f = new ReadAheadFile(src.bytes.length, src.read, { min_window: 1000, max_window: 100_000, budget: 250_000 });
    let x = 7;
    for (let k = 0; k < 2000; k++) {
      x = (x * 48271) % 2147483647;
      const at = x % (src.bytes.length + 100);
      const len = 1 + ((x >>> 8) % 150_000);
      const dst = new Uint8Array(len);
      const n = f.read(dst, { at });
      const want = src.bytes.subarray(Math.min(at, src.bytes.length), Math.min(at + len, src.bytes.length));
      assert.equal(n, want.length);
      assert.deepEqual(dst.subarray(0, n), want);
      assert.ok(f.held <= 250_000, `holds ${f.held} bytes`);
    }
  });

  it('serves two interleaved sequential streams (data, indices) with few calls', () => {
    const src = source(64 << 20);
    const f = new ReadAheadFile(src.bytes.length, src.read);
    const chunk = 256 << 10;
    const half = 32 << 20;
    for (let at = 0; at < half; at += chunk) {
      for (const base of [0, half]) {
        const dst = new Uint8Array(chunk);
        f.read(dst, { at: base + at });
        assert.deepEqual(dst, src.bytes.subarray(base + at, base + at + chunk));
      }
    }
    // 256 reads; windows double 64 KB → 8 MB per stream: ~4 full windows + 8 growing ones each.
    assert.ok(f.calls <= 30, `${f.calls} calls for 256 reads`);
    assert.ok(Math.max(...src.calls.map(([s, e]) => e - s)) <= 8 << 20);
  });

  it('does not keep large reads, and says when the file changed under it', () => {
    const src = source(20 << 20);
    const f = new ReadAheadFile(src.bytes.length, src.read);
    const dst = new Uint8Array(9 << 20);
    f.read(dst, { at: 1 });
    assert.deepEqual(dst, src.bytes.subarray(1, 1 + dst.length));
    assert.equal(f.held, 0);
    const broken = new ReadAheadFile(100, () => new Uint8Array(10));
    assert.throws(() => broken.read(new Uint8Array(50), { at: 0 }), /short read of the input file .*changed or removed/);
    assert.throws(() => f.write(), /read-only/);
  });

  it('reads an .h5ad through h5wasm exactly as the Node reader does', async () => {
    const path = sharedPath('fixtures/synthetic/query_1k.h5ad');
    const bytes = new Uint8Array(readFileSync(path));
    const h5wasm = (await import('h5wasm')).default;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const { FS } = (await h5wasm.ready) as unknown as { FS: any };
    FS.mkdir('/ra');
    const backend = new ReadAheadFile(bytes.length, (s, e) => bytes.slice(s, e), { min_window: 4096, max_window: 65536 });
    FS.mount(randomAccessFs(FS), { files: [{ name: 'q.h5ad', backend }] }, '/ra');
    const viaFs = new H5adReader(new h5wasm.File('/ra/q.h5ad', 'r') as unknown as H5File);
    const direct = await openH5adPath(path);
    try {
      const n = direct.summary.n_obs;
      const a = viaFs.readRows('X', 0, n);
      const b = direct.readRows('X', 0, n);
      assert.deepEqual(a.indptr, b.indptr);
      assert.deepEqual(a.indices, b.indices);
      assert.deepEqual(a.data, b.data);
      assert.deepEqual(viaFs.obsNames(), direct.obsNames());
      assert.ok(backend.calls < bytes.length / 4096, `${backend.calls} calls`);
    } finally {
      viaFs.close();
      direct.close();
      FS.unmount('/ra');
    }
  });
});
