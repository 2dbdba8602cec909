// The direct HDF5 reader against h5wasm: every fixture it accepts reads the same through both
// (summary, names, every column, embeddings, graph, rows); the files it cannot read (compressed
// chunks, compound dataframes) are left to h5wasm; a damaged file never yields wrong data.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { inflateSync } from 'node:zlib';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sharedPath } from '../../testing/fixtures.ts';
import { writeTestH5ad } from '../../testing/write-h5ad.ts';
import { openH5adPath } from '../open-node.ts';
import type { H5adReader, MatrixSource } from '../read.ts';
import { type WGroup, WRITE_LIBVER, writeDataframe, writeRootSkeleton } from '../write.ts';
import { type PositionalReader, unshuffle } from './format.ts';
import { openDirectH5ad } from './open.ts';
import { CellTypistError } from '../../types.ts';

/** The result of `f`, or the error code / message it throws (so that both readers' failures compare too). */
function outcome<T>(f: () => T): T | string {
  try {
    return f();
  } catch (e) {
    return `error: ${(e as { code?: string }).code ?? (e as Error).message}`;
  }
}

function sameReads(a: H5adReader, b: H5adReader): void {
  assert.deepEqual(b.summary, a.summary);
  assert.deepEqual(b.obsNames(), a.obsNames());
  const sources: MatrixSource[] = a.summary.raw ? ['X', 'raw'] : ['X'];
  for (const s of sources) {
    assert.deepEqual(b.varNames(s), a.varNames(s));
    assert.deepEqual(b.varColumns(s), a.varColumns(s));
    for (const c of a.varColumns(s)) assert.deepEqual(outcome(() => b.varNames(s, c)), outcome(() => a.varNames(s, c)), `var column ${c}`);
    assert.deepEqual(outcome(() => b.highlyVariableGenes(s)), outcome(() => a.highlyVariableGenes(s)));
    const m = a.matrix(s);
    for (let start = 0; start < m.n_rows; ) {
      const end = a.chunkEnd(s, start, 333, 50_000);
      assert.equal(b.chunkEnd(s, start, 333, 50_000), end);
      const rows = a.readRows(s, start, end);
      assert.deepEqual(b.readRows(s, start, end), rows);
      const values = b.readRowValues(s, start, end);
      assert.deepEqual([...values.data], [...rows.data]);
      assert.deepEqual([...values.indptr], [...rows.indptr]);
      if (m.encoding === 'csr') {
        const dest = { data: new Uint8Array(0), indices: new Uint8Array(0) };
        const indptr = b.readRowsInto(s, start, end, (n) => (dest.data = new Uint8Array(n * 4), dest.indices = new Uint8Array(n * 4), dest));
        assert.ok(indptr, 'the direct reader reads float32/int32 CSR rows into caller memory');
        assert.deepEqual([...indptr], [...rows.indptr]);
        assert.deepEqual(new Float32Array(dest.data.buffer), rows.data);
        assert.deepEqual(new Int32Array(dest.indices.buffer), rows.indices);
      }
      start = end;
    }
  }
  for (const c of a.summary.obs_columns) {
    assert.deepEqual(outcome(() => b.readObsColumn(c.name)), outcome(() => a.readObsColumn(c.name)), `obs column ${c.name}`);
    assert.deepEqual(b.obsCategories(c.name), a.obsCategories(c.name));
  }
  for (const k of a.summary.obsm) assert.deepEqual(b.readObsm(k.name), a.readObsm(k.name));
  assert.deepEqual(outcome(() => b.readGraph()), outcome(() => a.readGraph()));
}

/**
 * The file's bytes read as in a browser worker: `read` hands out a fresh buffer per call (as
 * FileReaderSync does), which the reader keeps instead of copying; counts those reads.
 */
function browserLike(file: string): PositionalReader & { reads: number } {
  const bytes = readFileSync(file);
  const r = {
    size: bytes.length,
    reads: 0,
    readInto: (at: number, dest: Uint8Array) => dest.set(bytes.subarray(at, at + dest.length)),
    read: (at: number, n: number) => (r.reads++, new Uint8Array(bytes.subarray(at, at + n))),
    inflate: (b: Uint8Array) => inflateSync(b),
  };
  return r;
}

/** Compares the readers on `file`; returns how many fresh-buffer reads the browser-like one made. */
async function compare(file: string): Promise<number> {
  const a = await openH5adPath(file, 'h5wasm');
  const b = await openH5adPath(file, 'direct');
  const source = browserLike(file);
  const c = openDirectH5ad(source, () => undefined);
  try {
    sameReads(a, b);
    assert.ok(c, 'the direct reader opens it with fresh-buffer reads too');
    sameReads(a, c);
    return source.reads;
  } finally {
    a.close();
    b.close();
    c?.close();
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'ctw-direct-'));

describe('direct HDF5 reader', () => {
  it('reads the fixtures written by anndata/h5py exactly as h5wasm does', async () => {
    assert.ok((await compare(sharedPath('fixtures/synthetic/query_1k.h5ad'))) > 0, 'datasets were read into buffers of their own');
    await compare(sharedPath('fixtures/real/pbmc68k_mouse_genes.h5ad'));
  });

  it('reads files written by our h5ad writer (h5wasm) as h5wasm does', async () => {
    const x = { data: Float32Array.from([1, 2, 3, 4.5]), indices: Int32Array.from([0, 2, 1, 2]), indptr: [0, 2, 2, 4], n_cols: 3 };
    const file = await writeTestH5ad('ours.h5ad', x, ['a', 'b', 'c'], ['G1', 'G2', 'Ǵ3'], { symbol: ['S1', 'S2', 'S3'], score: Float64Array.from([1, 2, 3]) });
    await compare(file);
  });

  it('reads gzip-compressed files (1-D and 2-D chunks) as h5wasm does', async () => {
    await compare(sharedPath('fixtures/synthetic/train_2k.h5ad'));
    const h5 = (await import('h5wasm/node')).default;
    await h5.ready;
    const file = path.join(dir, 'gzip.h5ad');
    const f = new h5.File(file, 'w', { libver: WRITE_LIBVER });
    writeRootSkeleton(f as unknown as WGroup, ['obsm']);
    const n = 10;
    const rows = Array.from({ length: n }, (_, r) => [r % 3 === 0 ? 0 : r + 0.5, 0, r * 0.25, r % 2]);
    const data: number[] = [];
    const indices: number[] = [];
    const indptr = [0];
    rows.forEach((row) => {
      row.forEach((v, c) => v !== 0 && (data.push(v), indices.push(c)));
      indptr.push(data.length);
    });
    const x = f.create_group('X');
    x.create_attribute('encoding-type', 'csr_matrix');
    x.create_attribute('encoding-version', '0.1.0');
    x.create_attribute('shape', new BigInt64Array([BigInt(n), 4n]));
    x.create_dataset({ name: 'data', data: Float32Array.from(data), chunks: [3], compression: 'gzip' });
    x.create_dataset({ name: 'indices', data: Int32Array.from(indices), chunks: [4], compression: 'gzip' });
    x.create_dataset({ name: 'indptr', data: Int32Array.from(indptr), chunks: [5], compression: 'gzip' });
    const obsm = f.create_group('obsm');
    obsm.create_attribute('encoding-type', 'dict');
    obsm.create_attribute('encoding-version', '0.1.0');
    obsm.create_dataset({ name: 'X_umap', data: Float32Array.from({ length: n * 3 }, (_, i) => i * 1.5), shape: [n, 3], chunks: [4, 2], compression: 'gzip' });
    writeDataframe(f as unknown as WGroup, 'obs', Array.from({ length: n }, (_, i) => `cell${i}`), {});
    writeDataframe(f as unknown as WGroup, 'var', ['A', 'B', 'C', 'D'], {});
    f.close();
    await compare(file);
    const r = await openH5adPath(file, 'direct');
    assert.deepEqual([...r.readObsm('X_umap').data], Array.from({ length: n * 3 }, (_, i) => i * 1.5));
    r.close();
  });

  it('leaves legacy (compound dataframe) files to h5wasm, which reads them', async () => {
    const rel = 'fixtures/real/pbmc68k_reduced.h5ad';
    await assert.rejects(openH5adPath(sharedPath(rel), 'direct'), { code: 'unsupported_h5ad' });
    const r = await openH5adPath(sharedPath(rel));
    assert.ok(r.summary.n_obs > 0);
    r.close();
  });

  it('undoes the byte shuffle', () => {
    // Three 4-byte elements shuffled: all first bytes, then all second bytes, ...
    const elements = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const shuffled = Uint8Array.from([1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12]);
    assert.deepEqual(unshuffle(shuffled, 4), elements);
  });

  it('a damaged file never hangs, crashes or reads without a clear error (500 seeded corruptions of its structures)', () => {
    const clean = readFileSync(sharedPath('fixtures/synthetic/query_1k.h5ad'));
    // The structures: every metadata read (small reads: headers, B-trees, heaps) of a clean open and read.
    const ranges: [number, number][] = [];
    const source = (bytes: Uint8Array, log: boolean): PositionalReader => ({
      size: bytes.length,
      readInto(offset, dest) {
        if (offset + dest.length > bytes.length) throw new CellTypistError('corrupt_h5ad', 'ends early');
        if (log && dest.length <= 65536) ranges.push([offset, dest.length]);
        dest.set(bytes.subarray(offset, offset + dest.length));
      },
    });
    const exercise = (r: H5adReader) => {
      r.obsNames();
      r.varNames();
      for (const c of r.summary.obs_columns) r.readObsColumn(c.name);
      const m = r.matrix('X');
      for (let start = 0; start < m.n_rows; ) {
        const end = r.chunkEnd('X', start, 400, 1e6);
        r.readRows('X', start, end);
        start = end;
      }
    };
    const reader = openDirectH5ad(source(clean, true), () => undefined);
    assert.ok(reader);
    exercise(reader);
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let opened = 0;
    for (let i = 0; i < 500; i++) {
      const bad = Uint8Array.from(clean);
      for (let k = 0; k < 1 + Math.floor(random() * 4); k++) {
        const [at, n] = ranges[Math.floor(random() * ranges.length)];
        bad[at + Math.floor(random() * n)] = Math.floor(random() * 256);
      }
      const r = openDirectH5ad(source(bad, false), () => undefined);
      if (!r) continue; // left to h5wasm
      opened++;
      try {
        exercise(r);
      } catch (e) {
        assert.ok(e instanceof CellTypistError, `corruption ${i}: ${(e as Error).stack}`);
      }
    }
    assert.ok(opened > 50, `most single-byte corruptions of values still open (${opened})`);
  });

  it('leaves a truncated file to h5wasm, which says what is wrong', () => {
    const full = readFileSync(sharedPath('fixtures/synthetic/query_1k.h5ad'));
    const cut = path.join(dir, 'cut.h5ad');
    writeFileSync(cut, full.subarray(0, Math.floor(full.length / 2)));
    return assert.rejects(openH5adPath(cut), /truncated/);
  });

  it('reads files in HDF5\'s latest format (superblock v3, v2 object headers, link messages) as h5wasm does', async () => {
    const h5 = (await import('h5wasm/node')).default;
    await h5.ready;
    const file = path.join(dir, 'latest.h5ad');
    const src = new h5.File(sharedPath('fixtures/synthetic/query_1k.h5ad'), 'r');
    const f = new h5.File(file, 'w', { libver: 'latest' } as never);
    const x = f.create_group('X');
    for (const k of ['data', 'indices', 'indptr']) x.create_dataset({ name: k, data: (src.get(`X/${k}`) as unknown as { value: never }).value });
    x.create_attribute('encoding-type', 'csr_matrix');
    x.create_attribute('encoding-version', '0.1.0');
    x.create_attribute('shape', new BigInt64Array([1000n, BigInt((src.get('var/_index') as unknown as { shape: number[] }).shape[0])]));
    for (const g of ['obs', 'var']) {
      const d = f.create_group(g);
      d.create_attribute('_index', '_index');
      d.create_attribute('encoding-type', 'dataframe');
      d.create_dataset({ name: '_index', data: (src.get(`${g}/_index`) as unknown as { value: never }).value });
    }
    f.close();
    src.close();
    const bytes = readFileSync(file);
    assert.equal(bytes[8], 3, 'superblock version 3');
    assert.ok(bytes.includes(Buffer.from('OHDR')), 'version 2 object headers');
    await compare(file);
  });
});
