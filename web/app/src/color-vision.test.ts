import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deltaE2000, lab, paletteReport, type Rgb, simulate, type Vision } from './color-vision.ts';
import { paletteColors } from './palette.ts';

const VISIONS: Vision[] = ['normal', 'protanopia', 'deuteranopia', 'tritanopia'];

describe('colour-vision checks', () => {
  it('CIEDE2000 matches Sharma, Wu & Dalal (2005) test data', () => {
    const pairs: [Rgb, Rgb, number][] = [
      [[50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425],
      [[50, 0, 0], [50, -1, 2], 2.3669],
      [[50, 2.5, 0], [73, 25, -18], 27.1492],
      [[60.2574, -34.0099, 36.2677], [60.4626, -34.1751, 39.4387], 1.2644],
    ];
    for (const [a, b, want] of pairs) assert.ok(Math.abs(deltaE2000(a, b) - want) < 1e-4, `${a} / ${b}: ${deltaE2000(a, b)}`);
  });

  it('CIELAB of sRGB white and red, and greys stay grey under every simulation', () => {
    const w = lab([255, 255, 255]);
    assert.ok(Math.abs(w[0] - 100) < 1e-3 && Math.abs(w[1]) < 1e-3 && Math.abs(w[2]) < 1e-3);
    const r = lab([255, 0, 0]);
    assert.deepEqual(r.map((x) => Math.round(x * 100) / 100), [53.24, 80.09, 67.2]);
    for (const v of VISIONS) for (const c of simulate([128, 128, 128], v)) assert.ok(Math.abs(c - 128) < 0.1, `${v}: ${c}`);
  });

  it('red and green collapse under deuteranopia and protanopia, not under tritanopia', () => {
    const d = (v: Vision) => deltaE2000(lab(simulate([213, 94, 0], v)), lab(simulate([0, 158, 115], v)));
    assert.ok(d('normal') > 40);
    assert.ok(d('tritanopia') > d('deuteranopia'));
  });

  it('the colour-blind-safe palette keeps its first 10 colours ΔE00 ≥ 10 apart and its first 20 ≥ 5, for every vision', () => {
    for (const v of VISIONS) {
      assert.ok(paletteReport(paletteColors('colorblind', 10), v).min >= 10, v);
      assert.ok(paletteReport(paletteColors('colorblind', 20), v).min >= 5, v);
    }
  });

  it("beats scanpy's default (kept for parity with scanpy) under each deficiency: 10 types, and 20 for red-green", () => {
    const min = (p: 'default' | 'colorblind', n: number, v: Vision) => paletteReport(paletteColors(p, n), v).min;
    for (const v of VISIONS.slice(1)) assert.ok(min('colorblind', 10, v) > min('default', 10, v), v);
    for (const v of ['protanopia', 'deuteranopia'] as Vision[]) assert.ok(min('colorblind', 20, v) > min('default', 20, v), v);
  });
});
