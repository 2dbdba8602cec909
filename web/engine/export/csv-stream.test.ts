import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matrixCsv, predictedLabelsCsv, pyFloat } from './csv.ts';
import { encodeIds, MatrixCsvFormatter, type MatrixTable, matrixCsvChunks, predictedLabelsCsvChunks } from './csv-stream.ts';
import { annotate } from '../node.ts';
import { loadCore } from '../wasm/load.ts';
import { sharedPath } from '../testing/fixtures.ts';
import type { AnnotationResult } from '../types.ts';

/** Deterministic doubles: every kind of bit pattern, probabilities, decision-like scores. */
function doubles(n: number, seed: number): Float64Array {
  let s = BigInt(seed);
  const next = () => {
    s = (s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return s;
  };
  const out = new Float64Array(n);
  const view = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < n; i++) {
    const r = next();
    const kind = Number(r & 3n);
    const u = Number(r >> 11n) / 2 ** 53;
    if (kind === 0) {
      view.setBigUint64(0, next());
      out[i] = view.getFloat64(0);
    } else if (kind === 1) out[i] = u;
    else if (kind === 2) out[i] = 1 / (1 + Math.exp(-(u - 0.5) * 80));
    else out[i] = (u - 0.5) * 40;
  }
  return out;
}

const decoder = new TextDecoder();
/** Decodes each chunk as it comes (a yielded view is valid only until the next step). */
function text(chunks: Iterable<Uint8Array>): string {
  let s = '';
  for (const c of chunks) s += decoder.decode(c);
  return s;
}

describe('chunked CSV producer', () => {
  it("the core's repr(float) equals the TypeScript pyFloat (shortest round trip, Python's layout)", async () => {
    const { core } = await loadCore({ variant: 'simd' });
    const special = [0, -0, NaN, Infinity, -Infinity, 5e-324, 2.225073858507201e-308, 2.2250738585072014e-308, Number.MAX_VALUE, 1e16, 1e-5, 1e-4, 9999999999999998, 0.1, 1e22, 1e23];
    for (const x of special) assert.equal(core.py_float(x), pyFloat(x), String(x));
    const xs = doubles(200_000, 12);
    for (const x of xs) if (core.py_float(x) !== pyFloat(x)) assert.equal(core.py_float(x), pyFloat(x), String(x));
  });

  it('matrix tables in chunks are byte-identical to the whole-table writer, quoting and UTF-8 ids', async () => {
    const { core } = await loadCore({ variant: 'simd' });
    const ids = Array.from({ length: 23 }, (_, i) => (i % 5 === 0 ? `cell "${i}",x` : i % 7 === 0 ? `zelle-ü-${i}` : `AAAC-${i}`));
    const labels = ['T cells', 'B, naive', 'NK "bright"', 'Mono'];
    const m = doubles(ids.length * labels.length, 3);
    const r = { cell_ids: ids, labels } as unknown as AnnotationResult;
    for (const rows of [1, 5, 23, 100]) assert.equal(text(matrixCsvChunks(core, ids, labels, m, rows)), matrixCsv(r, m), `rows ${rows}`);
    assert.equal(text(matrixCsvChunks(core, [], labels, new Float64Array(0))), matrixCsv({ cell_ids: [], labels } as unknown as AnnotationResult, new Float64Array(0)));
  });

  it('a formatter reuses its heap buffers and returns views to copy', async () => {
    const { core } = await loadCore({ variant: 'simd' });
    const f = new MatrixCsvFormatter(core, ['a', 'b']);
    try {
      const first = f.rows(new Float64Array([0.5, -1e-7]), encodeIds(['x'])).slice();
      const second = f.rows(new Float64Array([1, 2, 3, 4]), encodeIds(['y', 'z']));
      assert.equal(decoder.decode(first), 'x,0.5,-1e-07\n');
      assert.equal(decoder.decode(second), 'y,1.0,2.0\nz,3.0,4.0\n');
      assert.equal(decoder.decode(f.header()), ',a,b\n');
    } finally {
      f.free();
    }
  });

  it('predicted_labels.csv in chunks equals the whole-table writer, with and without majority voting', () => {
    const base = { cell_ids: ['c1', 'c,2', 'c3'], predicted_labels: ['T', 'B|T', 'Unassigned'], conf_score: new Float64Array([0.5, 1e-5, 1]) };
    const voted = { ...base, over_clustering: ['0', '1', '0'], majority_voting: ['T', 'B "x"', 'T'] };
    for (const r of [base, voted]) {
      for (const rows of [1, 2, 65536]) assert.equal([...predictedLabelsCsvChunks(r as AnnotationResult, rows)].join(''), predictedLabelsCsv(r as unknown as AnnotationResult));
    }
  });

  it('annotate streams both matrices while scoring, equal to the tables of the kept matrices', async () => {
    const got: Record<MatrixTable, Uint8Array[]> = { decision_matrix: [], probability_matrix: [] };
    const sink = { tables: ['decision_matrix', 'probability_matrix'] as MatrixTable[], write: (t: MatrixTable, b: Uint8Array) => got[t].push(b.slice()) };
    const r = await annotate(sharedPath('fixtures/synthetic/query_1k.h5ad'), sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd', chunk_rows: 300, table_sink: sink });
    assert.equal(got.decision_matrix.length, 1 + 4); // header + ceil(1000 / 300) chunks
    assert.equal(text(got.decision_matrix), matrixCsv(r, r.decision_matrix!));
    assert.equal(text(got.probability_matrix), matrixCsv(r, r.probability_matrix!));
    const lean = await annotate(sharedPath('fixtures/synthetic/query_1k.h5ad'), sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd', return_matrices: false, table_sink: { tables: [], write: () => {} } });
    assert.equal(lean.decision_matrix, undefined);
    assert.deepEqual(lean.predicted_labels, r.predicted_labels);
  });
});
