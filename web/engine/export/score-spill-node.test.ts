import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { annotate } from '../node.ts';
import { sharedPath } from '../testing/fixtures.ts';
import { ProbabilitySpill } from './score-spill-node.ts';
import type { ScoreChunk } from './scores.ts';

function chunk(start: number, rows: number, L: number): ScoreChunk {
  const probability = new Float64Array(rows * L);
  // Exact doubles that a float32 or text round trip would change.
  for (let i = 0; i < probability.length; i++) probability[i] = 1 / (3 + start * L + i) + 1e-17 * i;
  return { start, rows, decision: new Float64Array(rows * L), probability };
}

describe('ProbabilitySpill', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ct-spill-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives back the rows bit for bit, in chunks of any size', async () => {
    const spill = new ProbabilitySpill(dir);
    const given = [chunk(0, 5, 3), chunk(5, 1, 3), chunk(6, 7, 3)];
    for (const c of given) spill.add(c);
    assert.equal(spill.n_rows, 13);
    const expected = Float64Array.from(given.flatMap((c) => [...c.probability]));
    for (const step of [1, 4, 13, 100]) {
      const got: number[] = [];
      const starts: number[] = [];
      await spill.stream(step)((c) => {
        starts.push(c.start);
        assert.equal(c.probability.length, c.rows * 3);
        got.push(...c.probability);
      });
      assert.deepEqual(Float64Array.from(got), expected, `chunks of ${step}`);
      assert.equal(starts[0], 0);
    }
    spill.remove();
  });

  it('refuses chunks out of order or of the wrong width', () => {
    const spill = new ProbabilitySpill(dir);
    spill.add(chunk(0, 2, 4));
    assert.throws(() => spill.add(chunk(3, 1, 4)), /out of order \(rows 3, expected 2\)/);
    assert.throws(() => spill.add(chunk(2, 1, 5)), /5 values for 1 cells × 4 types/);
    spill.remove();
  });

  it('removes its temporary file, also when asked twice', () => {
    const spill = new ProbabilitySpill(dir);
    spill.add(chunk(0, 2, 2));
    assert.ok(existsSync(spill.file));
    spill.remove();
    spill.remove();
    assert.deepEqual(readdirSync(dir), []);
  });

  it('holds what annotate() scored: the same probabilities as return_matrices', async () => {
    const input = sharedPath('fixtures/synthetic/query_1k.h5ad');
    const model = sharedPath('fixtures/models/toy_lr.pkl');
    const spill = new ProbabilitySpill(dir);
    const kept = await annotate(input, model, { variant: 'simd', chunk_rows: 300, return_matrices: true, on_scores: spill.add });
    const L = kept.labels.length;
    let rows = 0;
    await spill.stream(256)((c) => {
      assert.deepEqual(c.probability, kept.probability_matrix!.subarray(c.start * L, (c.start + c.rows) * L));
      rows += c.rows;
    });
    assert.equal(rows, kept.cell_ids.length);
    spill.remove();
  });
});
