import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crosstab, crosstabCsv } from './crosstab.ts';

describe('crosstab', () => {
  it('counts label pairs with sorted rows and columns, like pd.crosstab', () => {
    const t = crosstab(['T', 'B', 'T', 'T'], ['CD4', 'B', 'CD8', 'CD4']);
    assert.deepEqual(t, { rows: ['B', 'T'], cols: ['B', 'CD4', 'CD8'], counts: [[1, 0, 0], [0, 2, 1]] });
    assert.equal(crosstabCsv(t, 'low', 'high'), 'low \\ high,B,CD4,CD8\nB,1,0,0\nT,0,2,1\n');
    assert.throws(() => crosstab(['a'], []), /differ in length/);
  });
});
