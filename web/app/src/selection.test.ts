import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boxPolygon, insidePolygon, pointsInPolygon } from './selection.ts';

describe('lasso and box selection', () => {
  it('tests points against a concave polygon (even-odd)', () => {
    const u = [[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3]] as [number, number][]; // a U shape
    assert.equal(insidePolygon(0.5, 2, u), true);
    assert.equal(insidePolygon(1.5, 2, u), false); // in the notch
    assert.equal(insidePolygon(2.5, 0.5, u), true);
    assert.equal(insidePolygon(4, 1, u), false);
  });
  it('selects the points of a box whatever the drag direction, in index order', () => {
    const pos = Float32Array.from([0, 0, 1, 1, 2, 2, 0.5, 1.5, -1, 0.5]);
    assert.deepEqual(Array.from(pointsInPolygon(pos, boxPolygon([1.5, 2.5], [-0.5, -0.5]))), [0, 1, 3]);
    assert.deepEqual(Array.from(pointsInPolygon(pos, boxPolygon([-2, -2], [3, 3]))), [0, 1, 2, 3, 4]);
    assert.equal(pointsInPolygon(pos, [[0, 0], [1, 1]]).length, 0);
  });
});
