// The h5ad reader on every storage variant (files generated here with h5wasm) and on the
// shared fixtures (current and legacy encodings).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { sharedPath } from '../testing/fixtures.ts';
import { h5wasmNode } from './h5wasm-node.ts';
import { openH5adPath } from './open-node.ts';
import type { CsrChunk } from './read.ts';
import { endOfFile } from './signature.ts';
import { CsrWriter, type WGroup, WRITE_LIBVER, writeDataframe, writeRootSkeleton } from './write.ts';

type H5 = typeof import('h5wasm/node').default;
let h5: H5;
const dir = mkdtempSync(path.join(tmpdir(), 'ctw-h5ad-'));

// A 5 × 4 matrix with zeros, known by heart.
const M = [
  [0, 1.5, 0, 2],
  [3, 0, 0, 0],
  [0, 0, 0, 0],
  [0.25, 0, 4, 1],
  [0, 2, 0, 0],
];
const GENES = ['CD3D', 'MS4A1', 'LYZ', 'NKG7'];
const CELLS = ['c1', 'c2', 'c3', 'c4', 'c5'];

function dense(chunk: CsrChunk): number[][] {
  const out = Array.from({ length: chunk.n_rows }, () => new Array(chunk.n_cols).fill(0));
  for (let r = 0; r < chunk.n_rows; r++) for (let k = chunk.indptr[r]; k < chunk.indptr[r + 1]; k++) out[r][chunk.indices[k]] = chunk.data[k];
  return out;
}

function csr(m: number[][]) {
  const data: number[] = [];
  const indices: number[] = [];
  const indptr = [0];
  for (const row of m) {
    row.forEach((v, c) => {
      if (v !== 0) {
        data.push(v);
        indices.push(c);
      }
    });
    indptr.push(data.length);
  }
  return { data, indices, indptr };
}

function write(name: string, fill: (f: WGroup) => void): string {
  const p = path.join(dir, name);
  const f = new h5.File(p, 'w', { libver: WRITE_LIBVER });
  fill(f as unknown as WGroup);
  f.close();
  return p;
}

function base(f: WGroup, varColumns: Record<string, string[]> = {}) {
  writeRootSkeleton(f);
  writeDataframe(f, 'obs', CELLS, { sample: ['S1', 'S1', 'S2', 'S2', 'S2'] });
  writeDataframe(f, 'var', GENES, varColumns);
}

before(async () => {
  h5 = (await import('h5wasm/node')).default;
  await h5.ready;
});

// Each test runs on h5wasm and on the default opener (the direct reader where it reads the file).
for (const via of ['h5wasm', 'auto'] as const) {
  describe(`h5ad reader (${via}): X storage variants`, () => {
    it('CSR with int32 row pointers (as scipy and anndata write them)', async () => {
      const p = write('csr32.h5ad', (f) => {
        base(f);
        const w = new CsrWriter(f, 'X', 4, 'float32', 'int32');
        const a = csr(M.slice(0, 3));
        const b = csr(M.slice(3));
        w.append(Float32Array.from(a.data), Int32Array.from(a.indices), a.indptr);
        w.append(Float32Array.from(b.data), Int32Array.from(b.indices), b.indptr);
        w.finish();
      });
      const raw = new h5.File(p, 'r');
      assert.equal((raw.get('X/indptr') as unknown as { metadata: { size: number } }).metadata.size, 4, 'int32 row pointers');
      raw.close();
      const r = await openH5adPath(p, via);
      assert.deepEqual(dense(r.readRows('X', 0, 5)), M);
      assert.deepEqual(dense(r.readRowsView('X', 2, 5)), M.slice(2));
      r.close();
    });
    it('CSR float32 written in two chunks', async () => {
      const p = write('csr.h5ad', (f) => {
        base(f);
        const w = new CsrWriter(f, 'X', 4);
        const a = csr(M.slice(0, 2));
        const b = csr(M.slice(2));
        w.append(Float32Array.from(a.data), Int32Array.from(a.indices), a.indptr);
        w.append(Float32Array.from(b.data), Int32Array.from(b.indices), b.indptr);
        w.finish();
      });
      const r = await openH5adPath(p, via);
      assert.equal(r.summary.x.encoding, 'csr');
      assert.deepEqual([r.summary.n_obs, r.summary.n_vars], [5, 4]);
      assert.deepEqual(dense(r.readRows('X', 0, 5)), M);
      assert.deepEqual(dense(r.readRows('X', 1, 4)), M.slice(1, 4));
      // The one-copy read: same rows, as views of a buffer that the next read reuses.
      const view = r.readRowsView('X', 1, 4);
      assert.deepEqual(dense(view), M.slice(1, 4));
      if (via === 'h5wasm') {
        const { Module } = await h5wasmNode(); // the engine's h5wasm (its cached copy)
        assert.equal(view.data.buffer, (Module as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer, 'a view into h5wasm memory');
      }
      const kept = dense(view);
      assert.deepEqual(dense(r.readRowsView('X', 3, 5)), M.slice(3));
      assert.deepEqual(dense(r.readRowsView('X', 2, 3)), [M[2]]); // a row without nonzeros
      assert.deepEqual(kept, M.slice(1, 4));
      // The input check's read: values and row pointers only, the same as readRows'.
      for (const [a, b] of [[0, 5], [1, 4], [2, 3]]) {
        const full = r.readRows('X', a, b);
        const values = r.readRowValues('X', a, b);
        assert.deepEqual([...values.data], [...full.data]);
        assert.deepEqual([...values.indptr], [...full.indptr]);
        assert.deepEqual([values.n_rows, values.n_cols], [b - a, 4]);
      }
      assert.deepEqual(r.varNames(), GENES);
      assert.deepEqual(r.obsNames(), CELLS);
      assert.deepEqual(r.readObsColumn('sample'), ['S1', 'S1', 'S2', 'S2', 'S2']);
      assert.deepEqual(r.summary.obs_columns, [{ name: 'sample', kind: 'string' }]);
      r.close();
    });

    it('CSC is converted to row chunks', async () => {
      const p = write('csc.h5ad', (f) => {
        base(f);
        const t = csr(GENES.map((_, c) => M.map((row) => row[c]))); // CSR of the transpose = CSC
        const g = f.create_group('X');
        g.create_attribute('encoding-type', 'csc_matrix');
        g.create_attribute('encoding-version', '0.1.0');
        g.create_attribute('shape', new BigInt64Array([5n, 4n]));
        g.create_dataset({ name: 'data', data: Float32Array.from(t.data) });
        g.create_dataset({ name: 'indices', data: Int32Array.from(t.indices) });
        g.create_dataset({ name: 'indptr', data: Int32Array.from(t.indptr) });
      });
      const r = await openH5adPath(p, via);
      assert.equal(r.summary.x.encoding, 'csc');
      assert.deepEqual(dense(r.readRows('X', 0, 5)), M);
      assert.deepEqual(dense(r.readRows('X', 3, 5)), M.slice(3));
      assert.deepEqual(dense(r.readRowsView('X', 3, 5)), M.slice(3)); // not CSR: readRows
      assert.deepEqual([...r.readRowValues('X', 3, 5).data], [...r.readRows('X', 3, 5).data]);
      r.close();
    });

    it('dense float64 and dense integer X', async () => {
      for (const [name, arr] of [
        ['dense64.h5ad', Float64Array.from(M.flat())],
        ['denseint.h5ad', Int32Array.from(M.flat().map((v) => Math.round(v * 4)))],
      ] as const) {
        const p = write(name, (f) => {
          base(f);
          f.create_dataset({ name: 'X', data: arr, shape: [5, 4] });
        });
        const r = await openH5adPath(p, via);
        assert.equal(r.summary.x.encoding, 'dense');
        const want = arr instanceof Int32Array ? M.map((row) => row.map((v) => Math.round(v * 4))) : M;
        assert.deepEqual(dense(r.readRows('X', 0, 5)), want);
        assert.deepEqual(dense(r.readRowsView('X', 0, 5)), want);
        r.close();
      }
    });

    it('raw/X with raw/var, and gene names from a var column', async () => {
      const p = write('raw.h5ad', (f) => {
        base(f, { feature_name: ['cd3d', 'ms4a1', 'lyz', 'nkg7'] });
        f.create_dataset({ name: 'X', data: Float32Array.from(M.flat().map((v) => v - 1)), shape: [5, 4] });
        const raw = f.create_group('raw');
        raw.create_attribute('encoding-type', 'raw');
        raw.create_attribute('encoding-version', '0.1.0');
        const w = new CsrWriter(raw, 'X', 4);
        const a = csr(M);
        w.append(Float32Array.from(a.data), Int32Array.from(a.indices), a.indptr);
        w.finish();
        writeDataframe(raw, 'var', GENES, {});
      });
      const r = await openH5adPath(p, via);
      assert.ok(r.summary.raw);
      assert.deepEqual(dense(r.readRows('raw', 0, 5)), M);
      assert.deepEqual(r.varNames('raw'), GENES);
      assert.deepEqual(r.varNames('X', 'feature_name'), ['cd3d', 'ms4a1', 'lyz', 'nkg7']);
      assert.deepEqual(r.varColumns('X'), ['feature_name']);
      r.close();
    });
  });

  describe(`h5ad reader (${via}): shared fixtures`, () => {
    it('current encoding: query_1k (values checked against h5py)', async () => {
      const r = await openH5adPath(sharedPath('fixtures/synthetic/query_1k.h5ad'), via);
      assert.equal(r.summary.encoding, 'current');
      assert.deepEqual([r.summary.n_obs, r.summary.n_vars], [1000, 1550]);
      const c = r.readRows('X', 0, 1);
      // h5py: X/data[:5] and indptr[1] of query_1k.h5ad
      assert.deepEqual(Array.from(c.data.subarray(0, 3), (v) => Number(v.toFixed(6))), [3.345632, 2.059829, 3.069628]);
      assert.deepEqual(r.varNames().slice(0, 3), ['GENE0820', 'GENE1354', 'GENE0920']);
      assert.equal(r.summary.obs_columns.find((o) => o.name === 'given_clusters')?.n_categories, 28);
      r.close();
    });

    it('gzip-compressed datasets: train_2k', async () => {
      const r = await openH5adPath(sharedPath('fixtures/synthetic/train_2k.h5ad'), via);
      assert.deepEqual([r.summary.n_obs, r.summary.n_vars], [2000, 1500]);
      const c = r.readRows('X', 1990, 2000);
      assert.equal(c.n_rows, 10);
      assert.ok(c.data.length > 0);
      r.close();
    });

    it('legacy encoding: pbmc68k_reduced (compound obs/var, raw.X, uns categories, obsm)', async () => {
      const r = await openH5adPath(sharedPath('fixtures/real/pbmc68k_reduced.h5ad'), via);
      assert.equal(r.summary.encoding, 'legacy');
      assert.equal(r.summary.x.encoding, 'dense');
      assert.equal(r.summary.raw?.encoding, 'csr');
      assert.equal(r.obsNames()[0], 'AAAGCCTGGCTAAC-1');
      assert.equal(r.varNames('raw').length, 765);
      assert.equal((r.readObsColumn('bulk_labels') as string[])[0], 'CD14+ Monocyte');
      assert.deepEqual(r.summary.obsm.map((o) => o.name).sort(), ['X_pca', 'X_umap']);
      const umap = r.readObsm('X_umap');
      assert.equal(umap.dims, 2);
      assert.equal(Number(umap.data[0].toFixed(4)), -1.9919);
      assert.ok(r.summary.has_graph);
      r.close();
    });
  });
}

describe('h5ad reader: bad files', () => {
  it('not HDF5, empty, truncated, not AnnData', async () => {
    const txt = path.join(dir, 'table.csv');
    writeFileSync(txt, 'gene,cell1\nCD3D,1\n');
    await assert.rejects(openH5adPath(txt), /looks like a text table/);
    const empty = path.join(dir, 'empty.h5ad');
    writeFileSync(empty, '');
    await assert.rejects(openH5adPath(empty), /is empty/);
    const { readFileSync } = await import('node:fs');
    const full = readFileSync(sharedPath('fixtures/real/pbmc68k_mouse_genes.h5ad'));
    const trunc = path.join(dir, 'trunc.h5ad');
    writeFileSync(trunc, full.subarray(0, Math.floor(full.length / 3)));
    // The superblock records the file size: a cut-off file is caught before HDF5 reads it.
    await assert.rejects(openH5adPath(trunc), new RegExp(`is truncated: HDF5 says it has ${full.length.toLocaleString('en-US')} bytes but it has ${Math.floor(full.length / 3).toLocaleString('en-US')}`));
    for (const f of ['fixtures/synthetic/query_1k.h5ad', 'fixtures/real/pbmc68k_reduced.h5ad', 'fixtures/synthetic/train_2k.h5ad']) {
      const bytes = readFileSync(sharedPath(f));
      assert.equal(endOfFile(bytes.subarray(0, 4096), 0), bytes.length, f); // superblock v0 (h5py) files
    }
    // A file cut inside the data but with a patched size still fails cleanly, not with a crash.
    const patched = Buffer.from(full.subarray(0, Math.floor(full.length / 3)));
    await assert.rejects(
      (async () => {
        const p2 = path.join(dir, 'trunc-quiet.h5ad');
        const eofAt = 24 + 2 * 8;
        patched.writeBigUInt64LE(BigInt(patched.length), eofAt);
        writeFileSync(p2, patched);
        const r = await openH5adPath(p2);
        r.readRows('X', 0, r.summary.n_obs);
      })(),
      /truncated or corrupt|damaged|could not be opened/,
    );
    const notAnn = write('plain.h5', (f) => {
      f.create_dataset({ name: 'values', data: new Float32Array([1, 2]) });
    });
    await assert.rejects(openH5adPath(notAnn), /not an AnnData .h5ad file \(no 'X' matrix; it holds values\)/);
    await assert.rejects(openH5adPath(path.join(dir, 'missing.h5ad')), /no such file/);
  });
});

describe('h5ad writer compatibility', () => {
  it('files we write load in Python anndata (Debian python3-anndata)', async (t) => {
    const { spawnSync } = await import('node:child_process');
    const probe = spawnSync('/usr/bin/python3', ['-c', 'import anndata'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      t.skip('python3-anndata is not installed (apt-get install python3-anndata)');
      return;
    }
    const p = path.join(dir, 'csr.h5ad');
    const r = spawnSync('/usr/bin/python3', ['-c', `import anndata as ad; a = ad.read_h5ad(${JSON.stringify(p)}); print(a.shape, a.X.sum(), list(a.obs['sample']))`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), "(5, 4) 13.75 ['S1', 'S1', 'S2', 'S2', 'S2']");
  });
});
