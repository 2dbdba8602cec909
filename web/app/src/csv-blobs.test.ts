import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCsv } from '../../engine/testing/fixtures.ts';
import { encode } from '../../engine/worker/compact.ts';
import { float32Repr, labelsCsvBlob } from './csv-blobs.ts';

describe('CSV blobs', () => {
  it('prints float32 confidence with its shortest round-trip digits', () => {
    assert.equal(float32Repr(Math.fround(0.1)), '0.1');
    assert.equal(float32Repr(Math.fround(0.987654321)), '0.9876543');
    assert.equal(float32Repr(1), '1.0');
    assert.equal(float32Repr(Math.fround(1e-5)), '1e-05');
    for (const x of [0.3, 0.123456789, 0.99999, 2.5e-7]) assert.equal(Math.fround(Number(float32Repr(Math.fround(x)))), Math.fround(x));
  });
  it("writes predicted_labels.csv as CellTypist's to_table, also for a subset of cells with extra columns", async () => {
    const n = 10000; // more than one part
    const r = {
      cell_ids: Array.from({ length: n }, (_, i) => `cell,${i}`),
      labels: ['A', 'B'],
      predicted: encode(Array.from({ length: n }, (_, i) => (i % 3 ? 'A' : 'B'))),
      conf_score: Float64Array.from({ length: n }, () => 0.5),
      over_clustering: encode(Array.from({ length: n }, (_, i) => String(i % 7))),
      majority_voting: encode(Array.from({ length: n }, () => 'A')),
      stats: {} as never,
    };
    const all = parseCsv(await labelsCsvBlob(r).text());
    assert.deepEqual(all.header, ['predicted_labels', 'over_clustering', 'majority_voting', 'conf_score']);
    assert.equal(all.index.length, n);
    assert.deepEqual(all.rows[3], ['B', '3', 'A', '0.5']);
    assert.equal(all.index[9999], 'cell,9999');
    const x = Float32Array.from({ length: n }, (_, i) => i / 4);
    const some = parseCsv(await labelsCsvBlob(r, Uint32Array.from([2, 4]), [{ name: 'x', values: x }]).text());
    assert.deepEqual(some.index, ['cell,2', 'cell,4']);
    assert.deepEqual(some.rows[1], ['A', '4', 'A', '0.5', '1.0']);
  });
});
