// The pipelined scoring of annotate (score-chunks.ts + heap-chunks.ts pipelineHeapChunks): the
// core works on chunk i in the background while chunk i + 1 is read. Results must not depend on
// the chunking or the build, and errors found in the background keep their one clear message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { annotate } from './node.ts';
import { matrixCsv } from './export/csv.ts';
import type { MatrixTable } from './export/csv-stream.ts';
import { writeTestH5ad } from './testing/write-h5ad.ts';
import { sharedPath } from './testing/fixtures.ts';

const QUERY = sharedPath('fixtures/synthetic/query_1k.h5ad');
const MODEL = sharedPath('fixtures/models/toy_lr.pkl');

/**
 * query_1k's X (or its raw counts) twice (2,000 cells: the input check reads the first 1,000 only),
 * with `edit` applied to the nonzeros, as a new .h5ad.
 */
async function editedQuery(edit: (data: Float32Array, indptr: Int32Array) => void, counts = false): Promise<string> {
  const h5 = (await import('h5wasm/node')).default;
  await h5.ready;
  const src = new h5.File(QUERY, 'r');
  const get = (p: string) => (src.get(p) as unknown as { value: unknown }).value;
  try {
    const m = counts ? 'layers/counts' : 'X';
    const d = get(`${m}/data`) as Float32Array;
    const idx = get(`${m}/indices`) as Int32Array;
    const ptr = get(`${m}/indptr`) as Int32Array;
    const n = ptr.length - 1;
    const data = new Float32Array(2 * d.length);
    data.set(d);
    data.set(d, d.length);
    const indices = new Int32Array(2 * idx.length);
    indices.set(idx);
    indices.set(idx, idx.length);
    const indptr = new Int32Array(2 * n + 1);
    for (let r = 0; r <= n; r++) indptr[r] = ptr[r];
    for (let r = 1; r <= n; r++) indptr[n + r] = ptr[n] + ptr[r];
    edit(data, indptr);
    const obs = (get('obs/_index') as string[]).map(String);
    const vars = (get('var/_index') as string[]).map(String);
    return await writeTestH5ad('edited.h5ad', { data, indices, indptr, n_cols: vars.length }, [...obs, ...obs.map((o) => `${o}-2`)], vars);
  } finally {
    src.close();
  }
}

/** A sink that keeps the streamed table bytes. */
function memorySink() {
  const parts: Record<MatrixTable, Buffer[]> = { decision_matrix: [], probability_matrix: [] };
  return {
    sink: { tables: ['decision_matrix', 'probability_matrix'] as const, write: (t: MatrixTable, b: Uint8Array) => parts[t].push(Buffer.from(b)) },
    text: (t: MatrixTable) => Buffer.concat(parts[t]).toString('utf8'),
  };
}

describe('pipelined chunks', () => {
  for (const variant of ['simd', 'simd-threads'] as const) {
    it(`${variant}: small chunks (many in flight) give the same scores and table bytes as one chunk`, async () => {
      const one = memorySink();
      const a = await annotate(QUERY, MODEL, { variant, chunk_rows: 4096, table_sink: one.sink });
      const many = memorySink();
      const b = await annotate(QUERY, MODEL, { variant, chunk_rows: 37, table_sink: many.sink });
      assert.deepEqual(b.decision_matrix, a.decision_matrix);
      assert.deepEqual(b.probability_matrix, a.probability_matrix);
      assert.deepEqual(b.predicted_labels, a.predicted_labels);
      assert.deepEqual(b.conf_score, a.conf_score);
      for (const t of ['decision_matrix', 'probability_matrix'] as const) {
        assert.equal(many.text(t), one.text(t));
        assert.equal(one.text(t), matrixCsv(a, a[t]!), `${t}: streamed bytes = the in-memory table`);
      }
    });

    it(`${variant}: a NaN found in the background names its cell, whichever chunk it is in`, async () => {
      const file = await editedQuery((data, indptr) => {
        data[indptr[1776] + 1] = Number.NaN;
        data[indptr[1900]] = Number.POSITIVE_INFINITY;
      });
      for (const chunk_rows of [64, 4096]) {
        await assert.rejects(annotate(file, MODEL, { variant, chunk_rows }), (e: Error & { code?: string }) => {
          assert.equal(e.code, 'nan_values');
          assert.match(e.message, /NaN or infinite values \(first in cell 1777\): remove or replace them/);
          return true;
        });
      }
    });

    it(`${variant}: negative raw counts name the chunk's cells and the cell`, async () => {
      const file = await editedQuery((data, indptr) => {
        data[indptr[1130] + 2] = -4;
      }, true);
      await assert.rejects(annotate(file, MODEL, { variant, chunk_rows: 100, normalize_counts: true }), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'bad_counts');
        assert.match(e.message, /cannot normalize the counts of cells 1101-1200: raw counts must be finite and non-negative \(cell 31 of the chunk has -4/);
        return true;
      });
    });
  }
});
