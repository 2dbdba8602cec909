// The chunk pipeline's order of steps and its cleanup (pipelineHeapChunks), on a fake reader.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { MatrixReader } from '../formats/reader.ts';
import type { CoreModule } from './core.ts';
import { type HeapChunk, pipelineHeapChunks } from './heap-chunks.ts';
import { loadNode } from './load-node.ts';

/** n rows, one nonzero per row whose value is the row number. */
function fakeReader(n: number): MatrixReader {
  const info = { path: 'X', encoding: 'csr' as const, n_rows: n, n_cols: 3, dtype: '<f4' };
  return {
    matrix: () => info,
    chunkEnd: (_s: unknown, start: number, maxRows: number) => Math.min(n, start + maxRows),
    readRows: (_s: unknown, start: number, end: number) => ({
      n_rows: end - start,
      n_cols: 3,
      data: Float32Array.from({ length: end - start }, (_, i) => start + i),
      indices: new Int32Array(end - start),
      indptr: Int32Array.from({ length: end - start + 1 }, (_, i) => i),
    }),
  } as unknown as MatrixReader;
}

describe('pipelineHeapChunks', () => {
  let core: CoreModule;
  before(async () => {
    core = await loadNode('simd');
  });

  it('reads chunk i + 1 before settling chunk i, and finishes chunk i while chunk i + 1 runs', async () => {
    const log: string[] = [];
    const values = (c: HeapChunk) => Array.from(core.HEAPF32.subarray(c.data >> 2, (c.data >> 2) + c.rows));
    await pipelineHeapChunks(core, fakeReader(10), 'X', { chunk_rows: 4 }, {
      begin: (c, slot) => log.push(`begin ${c.start} slot ${slot}`),
      settle: async (c) => {
        log.push(`settle ${c.start}`);
      },
      abandon: () => assert.fail('no error, nothing to abandon'),
      finish: (c) => {
        // The chunk's inputs are intact when it is finished (the other slot was read meanwhile).
        assert.deepEqual(values(c), Array.from({ length: c.rows }, (_, i) => c.start + i));
        log.push(`finish ${c.start}`);
      },
    });
    assert.deepEqual(log, ['begin 0 slot 0', 'settle 0', 'begin 4 slot 1', 'finish 0', 'settle 4', 'begin 8 slot 0', 'finish 4', 'settle 8', 'finish 8']);
  });

  it('on an error, waits for the chunk still running (abandon) before freeing its buffers', async () => {
    const log: string[] = [];
    await assert.rejects(
      pipelineHeapChunks(core, fakeReader(10), 'X', { chunk_rows: 4 }, {
        begin: (c) => log.push(`begin ${c.start}`),
        settle: async (c) => {
          log.push(`settle ${c.start}`);
        },
        abandon: (c) => log.push(`abandon ${c.start}`),
        finish: (c) => {
          if (c.start === 0) throw new Error('finish failed');
        },
      }),
      /finish failed/,
    );
    assert.deepEqual(log, ['begin 0', 'settle 0', 'begin 4', 'abandon 4']);
  });

  it('an error in settle does not abandon the chunk it settled', async () => {
    const log: string[] = [];
    await assert.rejects(
      pipelineHeapChunks(core, fakeReader(10), 'X', { chunk_rows: 4 }, {
        begin: (c) => log.push(`begin ${c.start}`),
        settle: async (c) => {
          throw new Error(`bad chunk ${c.start}`);
        },
        abandon: (c) => log.push(`abandon ${c.start}`),
        finish: () => undefined,
      }),
      /bad chunk 0/,
    );
    assert.deepEqual(log, ['begin 0']);
  });

  it('stops with a cancelled error when aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      pipelineHeapChunks(core, fakeReader(10), 'X', { chunk_rows: 4, signal: ac.signal, cancelled_message: 'stopped' }, {
        begin: () => assert.fail(),
        settle: async () => undefined,
        abandon: () => undefined,
        finish: () => undefined,
      }),
      /stopped/,
    );
  });
});
