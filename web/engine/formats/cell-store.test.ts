// Chunks from per-cell counts: any entry order, duplicates summed, chunk ends within budgets, and
// the two-pass bucket sort through a spill giving the same chunks as the direct path.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BucketedCells, ChunkBuilder, chunkEndByCounts } from './cell-store.ts';
import { memorySpill } from './spill.ts';
import { fileSpill } from './spill-node.ts';
import { existsSync } from 'node:fs';

describe('chunkEndByCounts', () => {
  it('stops at maxRows, at the nonzero budget, and always takes one cell', () => {
    const nnz = Int32Array.from([5, 5, 5, 50, 5]);
    assert.equal(chunkEndByCounts(nnz, 0, 10, 1000), 5);
    assert.equal(chunkEndByCounts(nnz, 0, 2, 1000), 2);
    assert.equal(chunkEndByCounts(nnz, 0, 10, 15), 3);
    assert.equal(chunkEndByCounts(nnz, 3, 10, 10), 4, 'one cell over budget still makes a chunk');
  });
});

describe('ChunkBuilder', () => {
  it('fills rows in any order, sorts genes and sums duplicate entries as scipy does', () => {
    const b = new ChunkBuilder(Int32Array.from([0, 3, 2]), 1, 3, 10);
    b.add(2, 7, 1);
    b.add(1, 9, 2);
    b.add(1, 4, 3);
    b.add(2, 1, 4);
    b.add(1, 4, 5);
    const c = b.done();
    assert.deepEqual(Array.from(c.indptr), [0, 2, 4]);
    assert.deepEqual(Array.from(c.indices), [4, 9, 1, 7]);
    assert.deepEqual(Array.from(c.data), [8, 2, 4, 1]);
  });
});

describe('BucketedCells (two-pass bucket sort)', () => {
  function check(spill: ReturnType<typeof memorySpill>) {
    // 50 cells × 7 genes, gene-major entries; buckets of 8 cells so chunks straddle buckets.
    const entries: [number, number, number][] = [];
    for (let g = 0; g < 7; g++) for (let c = 0; c < 50; c++) if ((c * 7 + g * 3) % 4 === 0) entries.push([c, g, c * 10 + g]);
    const nnz = new Int32Array(50);
    for (const [c] of entries) nnz[c]++;
    const store = new BucketedCells(nnz, 7, spill, 8, 1000);
    for (const [c, g, v] of entries) store.add(c, g, v);
    store.finish();
    for (const [s, e] of [[0, 50], [3, 21], [20, 21], [40, 50], [0, 1]]) {
      const chunk = store.readRows(s, e);
      const got: [number, number, number][] = [];
      for (let r = 0; r < e - s; r++) for (let k = chunk.indptr[r]; k < chunk.indptr[r + 1]; k++) got.push([s + r, chunk.indices[k], chunk.data[k]]);
      const want = entries.filter(([c]) => c >= s && c < e).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      assert.deepEqual(got, want);
    }
    store.close();
  }
  it('in memory', () => check(memorySpill()));
  it('through a temporary file, deleted on close', () => {
    const spill = fileSpill();
    const file = spill.where.replace(/^temporary file /, '');
    check(spill);
    assert.equal(existsSync(file), false);
  });
});
