import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnnotationResult } from '../types.ts';
import { compactResult, countCodes, encode, expand, transferables, valueAt } from './compact.ts';

const result: AnnotationResult = {
  cell_ids: ['c1', 'c2', 'c3', 'c4'],
  labels: ['A', 'B', 'C'],
  predicted_labels: ['B', 'A', 'B', 'A|C'],
  conf_score: Float64Array.from([0.9, 0.51, 0.123456789, 1]),
  decision_matrix: new Float64Array(12),
  probability_matrix: new Float64Array(12),
  over_clustering: ['0', '0', '1', '1'],
  majority_voting: ['B', 'B', 'A', 'A'],
  stats: { n_cells: 4, n_genes: 10, n_features_model: 10, n_features_used: 9, mode: 'prob_match', p_thres: 0.5, matrix: 'X', warnings: [], engine_variant: 'simd', timings: {} },
};

describe('compact results', () => {
  it('encodes labels as codes in first-seen order and decodes them back', () => {
    const c = encode(['x', 'y', 'x', 'z']);
    assert.deepEqual(c.categories, ['x', 'y', 'z']);
    assert.deepEqual(Array.from(c.codes), [0, 1, 0, 2]);
    assert.ok(c.codes instanceof Uint16Array);
    assert.equal(valueAt(c, 3), 'z');
    assert.deepEqual(Array.from(countCodes(c)), [2, 1, 1]);
  });
  it('switches to 32-bit codes past 65,536 categories without losing earlier codes', () => {
    const values = Array.from({ length: 70000 }, (_, i) => `k${i}`);
    const c = encode(values);
    assert.ok(c.codes instanceof Uint32Array);
    assert.equal(valueAt(c, 5), 'k5');
    assert.equal(valueAt(c, 69999), 'k69999');
  });
  it('drops the matrices, keeps the exact (float64) confidence, and expands to the same columns', () => {
    const c = compactResult(result);
    assert.ok(c.conf_score instanceof Float64Array);
    assert.equal(c.conf_score[2], 0.123456789);
    assert.equal('probability_matrix' in c, false);
    assert.equal(transferables(c).length, 4);
    const back = expand(c);
    assert.deepEqual(back.predicted_labels, result.predicted_labels);
    assert.deepEqual(back.majority_voting, result.majority_voting);
    assert.deepEqual(back.over_clustering, result.over_clustering);
    assert.deepEqual(back.conf_score, result.conf_score);
    assert.equal(back.decision_matrix, undefined);
  });
});
