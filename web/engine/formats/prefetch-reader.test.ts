// Reading ahead (prefetch-reader.ts with the direct reader's extents) changes no byte of a pass
// over the matrix, and reads ahead exactly what the pass then reads: contiguous, chunked and
// gzip-compressed CSR files.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { before, describe, it } from 'node:test';
import type { PositionalReader } from '../h5ad/direct/format.ts';
import { openDirectH5ad } from '../h5ad/direct/open.ts';
import { type WGroup, WRITE_LIBVER, writeDataframe, writeRootSkeleton } from '../h5ad/write.ts';
import { sharedPath } from '../testing/fixtures.ts';
import type { CoreModule } from '../wasm/core.ts';
import { forEachHeapChunk } from '../wasm/heap-chunks.ts';
import { loadNode } from '../wasm/load-node.ts';
import { withPrefetch } from './prefetch-reader.ts';

/** An in-memory file whose reads after `log.on` are logged as 'offset+length'. */
function memoryFile(bytes: Uint8Array, log: { on: boolean; reads: string[] }): PositionalReader {
  return {
    size: bytes.length,
    inflate: (b) => new Uint8Array(inflateSync(b)),
    readInto(offset, dest) {
      if (log.on) log.reads.push(`${offset}+${dest.length}`);
      dest.set(bytes.subarray(offset, offset + dest.length));
    },
  };
}

/** A CSR matrix of 300 rows in 1-D chunks of 64 elements (no filter): reads cross chunk runs. */
async function chunkedFile(): Promise<string> {
  const h5 = (await import('h5wasm/node')).default;
  await h5.ready;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ctw-prefetch-')), 'chunked.h5ad');
  const f = new h5.File(file, 'w', { libver: WRITE_LIBVER });
  writeRootSkeleton(f as unknown as WGroup);
  const n = 300;
  const g = 50;
  const data: number[] = [];
  const indices: number[] = [];
  const indptr = [0];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < g; c++) if ((r * 7 + c * 13) % 5 === 0) (data.push(r + c / 100), indices.push(c));
    indptr.push(data.length);
  }
  const x = f.create_group('X');
  x.create_attribute('encoding-type', 'csr_matrix');
  x.create_attribute('encoding-version', '0.1.0');
  x.create_attribute('shape', new BigInt64Array([BigInt(n), BigInt(g)]));
  x.create_dataset({ name: 'data', data: Float32Array.from(data), chunks: [64] });
  x.create_dataset({ name: 'indices', data: Int32Array.from(indices), chunks: [64] });
  x.create_dataset({ name: 'indptr', data: Int32Array.from(indptr), chunks: [64] });
  writeDataframe(f as unknown as WGroup, 'obs', Array.from({ length: n }, (_, i) => `cell${i}`), {});
  writeDataframe(f as unknown as WGroup, 'var', Array.from({ length: g }, (_, i) => `G${i}`), {});
  f.close();
  return file;
}

describe('reading ahead', () => {
  let core: CoreModule;
  before(async () => {
    core = await loadNode('simd');
  });

  /** One pass over X in small chunks: each chunk's bytes, and the reads the file saw. */
  async function pass(file: string, ahead: boolean) {
    const bytes = readFileSync(file);
    const log = { on: false, reads: [] as string[] };
    const prefetched: string[] = [];
    const base = memoryFile(bytes, log);
    const reader = ahead ? withPrefetch(base, async (o, l) => (prefetched.push(`${o}+${l}`), bytes.slice(o, o + l))) : base;
    const r = openDirectH5ad(reader, () => undefined);
    assert.ok(r, 'the direct reader opens the file');
    log.on = true;
    const chunks: string[] = [];
    await forEachHeapChunk(core, r, 'X', { chunk_rows: 37, nnz_budget: 700 }, (c) => {
      const part = (a: ArrayLike<number>) => Array.from(a).join(',');
      chunks.push(`${c.start}-${c.end}: ${part(core.HEAPF32.subarray(c.data >> 2, (c.data >> 2) + c.nnz))} | ${part(core.HEAP32.subarray(c.indices >> 2, (c.indices >> 2) + c.nnz))} | ${part(core.HEAP32.subarray(c.indptr >> 2, (c.indptr >> 2) + c.rows + 1))}`);
    });
    r.close();
    return { chunks, reads: log.reads, prefetched };
  }

  for (const [name, file] of [
    ['contiguous (anndata/h5py)', async () => sharedPath('fixtures/synthetic/query_1k.h5ad')],
    ['1-D chunks', chunkedFile],
    ['gzip-compressed chunks', async () => sharedPath('fixtures/synthetic/train_2k.h5ad')],
  ] as const) {
    it(`${name}: the same chunks, every value and index read ahead, nothing read twice, only row pointers on demand`, async () => {
      const path = await file();
      const plain = await pass(path, false);
      const ahead = await pass(path, true);
      assert.ok(plain.chunks.length > 3, 'several chunks');
      assert.deepEqual(ahead.chunks, plain.chunks);
      // Every extent read ahead is a read the plain pass made; the rest are read on demand.
      const predicted = new Set(ahead.prefetched);
      for (const e of ahead.prefetched) assert.ok(plain.reads.includes(e), `read ahead but never read: ${e}`);
      assert.deepEqual(ahead.reads, plain.reads.filter((e) => !predicted.has(e)));
      // Left on demand: the row pointers (one read per chunk at most).
      assert.ok(ahead.prefetched.length > 0 && ahead.reads.length <= plain.chunks.length, `${ahead.reads.length} reads on demand`);
    });
  }
});

describe('withPrefetch', () => {
  const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
  const read = (r: PositionalReader, at: number, n: number) => {
    const d = new Uint8Array(n);
    r.readInto(at, d);
    return Array.from(d);
  };

  it('reads on demand what was not read ahead, what an async read failed on, and extents beyond the budget', async () => {
    const log = { on: true, reads: [] as string[] };
    const r = withPrefetch(memoryFile(bytes, log), async (o, l) => {
      if (o === 50) throw new Error('NotReadableError');
      return bytes.slice(o, o + l);
    }, 25);
    await r.prefetch!([[0, 10], [10, 10], [20, 10], [50, 10]]);
    assert.deepEqual(read(r, 10, 10), Array.from(bytes.subarray(10, 20)));
    assert.deepEqual(read(r, 22, 8), Array.from(bytes.subarray(22, 30)));
    assert.deepEqual(log.reads, [], 'served from memory');
    assert.deepEqual(read(r, 0, 10), Array.from(bytes.subarray(0, 10)), 'dropped for the budget');
    assert.deepEqual(read(r, 50, 10), Array.from(bytes.subarray(50, 60)), 'the failed read');
    assert.deepEqual(read(r, 25, 10), Array.from(bytes.subarray(25, 35)), 'beyond an extent');
    assert.deepEqual(log.reads, ['0+10', '50+10', '25+10']);
  });

  it('drops an extent once a read reaches its end', async () => {
    const log = { on: true, reads: [] as string[] };
    const r = withPrefetch(memoryFile(bytes, log), async (o, l) => bytes.slice(o, o + l));
    await r.prefetch!([[0, 10]]);
    read(r, 0, 10);
    read(r, 0, 10);
    assert.deepEqual(log.reads, ['0+10']);
  });

  it('read() hands over an extent read ahead whole, a copy of a part, and reads the rest with the base', async () => {
    const log = { on: true, reads: [] as string[] };
    const base = { ...memoryFile(bytes, log), read: (o: number, l: number) => (log.reads.push(`read ${o}+${l}`), bytes.slice(o, o + l)) };
    const fetched: Uint8Array[] = [];
    const r = withPrefetch(base, async (o, l) => (fetched.push(bytes.slice(o, o + l)), fetched[fetched.length - 1]));
    await r.prefetch!([[0, 10], [20, 10]]);
    assert.equal(r.read!(0, 10).buffer, fetched[0].buffer, 'handed over as read');
    const part = r.read!(22, 4);
    assert.deepEqual(Array.from(part), [22, 23, 24, 25]);
    assert.equal(part.byteOffset, 0, 'a buffer of its own');
    assert.deepEqual(Array.from(r.read!(40, 2)), [40, 41]);
    assert.deepEqual(log.reads, ['read 40+2']);
  });
});
