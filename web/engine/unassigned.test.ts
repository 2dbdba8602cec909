import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unassignedWarning } from './unassigned.ts';

describe('many Unassigned cells', () => {
  it('warns in prob_match from a quarter of the cells, with the share and what to do', () => {
    const labels = [...Array(3).fill('B cells'), 'Unassigned'];
    assert.match(unassignedWarning(labels, 'prob_match', 0.9)!, /^1 of 4 cells \(25\.0%\) are Unassigned: .*p_thres \(0\.9\)\. Lower p_thres \(CLI: --p-thres\), use best_match/);
    assert.equal(unassignedWarning([...Array(4).fill('B cells'), 'Unassigned'], 'prob_match', 0.5), null);
    assert.equal(unassignedWarning(['Unassigned'], 'best_match', 0.5), null);
    assert.equal(unassignedWarning([], 'prob_match', 0.5), null);
  });
});
