import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { annotate } from '../node.ts';
import { sharedPath } from '../testing/fixtures.ts';
import { confScores } from './conf-score.ts';
import { scoresFromResult } from './scores.ts';

describe('confScores (conf_score from streamed probabilities)', () => {
  const input = sharedPath('fixtures/synthetic/query_1k.h5ad');
  const model = sharedPath('fixtures/models/toy_lr.pkl');

  for (const mode of ['best_match', 'prob_match'] as const) {
    it(`${mode}: equals the core's conf_score, by predicted labels and by majority voting (incl. Heterogeneous cells)`, async () => {
      const options = { variant: 'simd', mode, majority_voting: true, over_clustering: 'given_clusters', min_prop: 0.6 } as const;
      const byLabels = await annotate(input, model, options);
      const byVoting = await annotate(input, model, { ...options, insert_conf_by: 'majority_voting' });
      const n = byLabels.cell_ids.length;
      assert.ok(byVoting.majority_voting!.some((v) => !byVoting.labels.includes(v)), 'some votes are not model labels');
      assert.deepEqual(await confScores(scoresFromResult(byLabels, 97), byLabels.labels, n), byLabels.conf_score);
      assert.deepEqual(await confScores(scoresFromResult(byVoting, 97), byVoting.labels, n, byVoting.majority_voting), byVoting.conf_score);
    });
  }

  it('refuses scores that do not cover every cell', async () => {
    const stream = async (on: (c: { start: number; rows: number; decision: Float64Array; probability: Float64Array }) => void) => on({ start: 0, rows: 1, decision: new Float64Array(2), probability: Float64Array.of(0.2, 0.8) });
    await assert.rejects(confScores(stream, ['a', 'b'], 2), /covered 1 of 2 cells/);
  });
});
