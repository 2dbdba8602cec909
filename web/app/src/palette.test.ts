import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseColors, PALETTE_SIZES, paletteColors } from './palette.ts';

/** Distance in RGB, weighted for perceived differences (the "redmean" approximation). */
function distance(a: number[], b: number[]): number {
  const r = (a[0] + b[0]) / 2;
  const [dr, dg, db] = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
  return Math.sqrt((2 + r / 256) * dr * dr + 4 * dg * dg + (2 + (255 - r) / 256) * db * db);
}

describe('palettes', () => {
  it("follows scanpy: vega_20_scanpy up to 20 categories, godsnot's 102 colours beyond", () => {
    assert.equal(PALETTE_SIZES.vega20, 20);
    assert.equal(PALETTE_SIZES.godsnot, 102);
    assert.equal(baseColors('default', 20)[2], '#279e68');
    assert.equal(baseColors('default', 21)[0], '#FFFF00');
    assert.equal(new Set(baseColors('default', 98)).size, 102);
  });
  it('gives 98 types 98 different colours, none two nearly equal', () => {
    const c = paletteColors('default', 98);
    assert.equal(new Set(c.map((x) => x.join())).size, 98);
    let min = Infinity;
    for (let i = 0; i < c.length; i++) for (let j = 0; j < i; j++) min = Math.min(min, distance(c[i], c[j]));
    assert.ok(min > 20, `closest pair at ${min.toFixed(1)}`);
  });
  it('has a colour-blind-safe set, and past any palette colours still differ', () => {
    assert.equal(PALETTE_SIZES.colorblind, 24);
    const cb = paletteColors('colorblind', 72);
    assert.equal(new Set(cb.map((x) => x.join())).size, 72);
    const many = paletteColors('default', 300);
    assert.equal(new Set(many.map((x) => x.join())).size, 300);
  });
});
