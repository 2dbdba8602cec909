/**
 * Prints the colour-vision report of the app's palettes as a Markdown table (the one in
 * docs/accessibility.md): for each palette and category count, the smallest CIEDE2000 difference
 * between two of its colours and how many pairs are under 5 and under 10, with normal vision and
 * simulated protanopia, deuteranopia and tritanopia (Machado et al. 2009, severity 1).
 *   NODE_PATH=/usr/share/nodejs node --import tsx scripts/palette-cvd.ts
 */
import { paletteReport, type Vision } from '../web/app/src/color-vision.ts';
import { type PaletteName, paletteColors } from '../web/app/src/palette.ts';

const VISIONS: Vision[] = ['normal', 'protanopia', 'deuteranopia', 'tritanopia'];
const CASES: [PaletteName, number, string][] = [
  ['default', 6, 'scanpy vega_20, 6 types'],
  ['default', 10, 'scanpy vega_20, 10 types'],
  ['default', 20, 'scanpy vega_20, 20 types'],
  ['default', 98, 'scanpy godsnot_102, 98 types'],
  ['colorblind', 6, 'colour-blind safe, 6 types'],
  ['colorblind', 10, 'colour-blind safe, 10 types'],
  ['colorblind', 20, 'colour-blind safe, 20 types'],
  ['colorblind', 24, 'colour-blind safe, 24 types'],
];

console.log(`| palette | ${VISIONS.map((v) => `${v}: min ΔE00 (pairs < 5 / < 10)`).join(' | ')} |`);
console.log(`|---|${VISIONS.map(() => '---').join('|')}|`);
for (const [name, n, label] of CASES) {
  const cells = VISIONS.map((v) => {
    const r = paletteReport(paletteColors(name, n), v);
    return `${r.min.toFixed(1)} (${r.below5} / ${r.below10} of ${r.pairs})`;
  });
  console.log(`| ${label} | ${cells.join(' | ')} |`);
}
