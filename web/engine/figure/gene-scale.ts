/**
 * The colour scale of one gene's expression on the embedding (the app's "colour by gene" and the
 * CLI figure's gene panels), as `sc.pl.umap(color=GENE, vmax='p99', sort_order=True)` reads:
 * cells without expression (0) are shown apart in light grey and drawn first; expressing cells
 * get viridis from the lowest value to a clip at the 99th percentile of the expressing cells'
 * values (an outlier does not wash the scale out; values above the clip get the top colour), and
 * are drawn in increasing order, so the highest sit on top.
 */
import { viridis } from './colormap.ts';
import { rgb } from './scene.ts';

/** Colour of cells with no expression (0): light grey, drawn under the others. */
export const ZERO_COLOR = '#d3d3d3';
/** Default clip: this percentile of the nonzero values. */
export const CLIP_PERCENTILE = 99;

export interface GeneScale {
  /** Bottom and top of the colour range (values outside get its end colours). */
  lo: number;
  hi: number;
  /** Smallest and largest value in the data. */
  min: number;
  max: number;
  n_nonzero: number;
  n_cells: number;
  percentile: number;
}

/** numpy's default (linear) percentile of sorted values. */
function percentileOf(sorted: Float32Array, p: number): number {
  if (sorted.length === 0) return 0;
  const x = ((sorted.length - 1) * p) / 100;
  const i = Math.floor(x);
  const j = Math.min(sorted.length - 1, i + 1);
  return sorted[i] + (x - i) * (sorted[j] - sorted[i]);
}

/** The scale of one gene's values (one per cell). */
export function geneScale(values: ArrayLike<number>, percentile = CLIP_PERCENTILE): GeneScale {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0 && !Number.isNaN(values[i])) n++;
  const nz = new Float32Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0 && !Number.isNaN(values[i])) nz[k++] = values[i];
  nz.sort();
  const min = n ? Math.min(0, nz[0]) : 0;
  const max = n ? Math.max(0, nz[n - 1]) : 0;
  // Expression is >= 0: the range starts at the lowest nonzero value; scaled data (negatives)
  // gets the mirrored low percentile as its bottom.
  const lo = n === 0 ? 0 : nz[0] < 0 ? percentileOf(nz, 100 - percentile) : nz[0];
  let hi = percentileOf(nz, percentile);
  if (!(hi > lo)) hi = Math.max(max, lo + 1e-6);
  return { lo, hi, min, max, n_nonzero: n, n_cells: values.length, percentile };
}

/** Position of a value on the scale, 0..1 (clipped). */
export function scalePosition(v: number, s: GeneScale): number {
  return Math.max(0, Math.min(1, (v - s.lo) / (s.hi - s.lo)));
}

/** '#rrggbb' of a value: ZERO_COLOR for 0 (and NaN), viridis otherwise. */
export function geneColor(v: number, s: GeneScale): string {
  return v === 0 || Number.isNaN(v) ? ZERO_COLOR : viridis(scalePosition(v, s));
}

const LUT_SIZE = 256;

/**
 * Per-cell RGBA (4 bytes per cell) in cell order, for a WebGL attribute: viridis through a
 * 256-step table, zeros grey with `zeroAlpha`.
 */
export function geneRgba(values: ArrayLike<number>, s: GeneScale, o: { alpha?: number; zeroAlpha?: number } = {}): Uint8Array {
  const lut = new Uint8Array(LUT_SIZE * 3);
  for (let i = 0; i < LUT_SIZE; i++) lut.set(rgb(viridis(i / (LUT_SIZE - 1))), 3 * i);
  const zero = rgb(ZERO_COLOR);
  const alpha = o.alpha ?? 230;
  const zeroAlpha = o.zeroAlpha ?? 160;
  const out = new Uint8Array(values.length * 4);
  const k = (LUT_SIZE - 1) / (s.hi - s.lo);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const p = 4 * i;
    if (v === 0 || Number.isNaN(v)) {
      out[p] = zero[0];
      out[p + 1] = zero[1];
      out[p + 2] = zero[2];
      out[p + 3] = zeroAlpha;
      continue;
    }
    const j = 3 * Math.round(Math.max(0, Math.min(LUT_SIZE - 1, (v - s.lo) * k)));
    out[p] = lut[j];
    out[p + 1] = lut[j + 1];
    out[p + 2] = lut[j + 2];
    out[p + 3] = alpha;
  }
  return out;
}

/**
 * Drawing order: cells without expression first, then by increasing colour (the 256 steps of
 * the scale: a counting sort, O(cells)), cell order within a step.
 */
export function geneDrawOrder(values: ArrayLike<number>, s: GeneScale): Uint32Array {
  const n = values.length;
  const bin = new Uint16Array(n);
  const counts = new Uint32Array(LUT_SIZE + 2);
  const k = (LUT_SIZE - 1) / (s.hi - s.lo);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const b = v === 0 || Number.isNaN(v) ? 0 : 1 + Math.round(Math.max(0, Math.min(LUT_SIZE - 1, (v - s.lo) * k)));
    bin[i] = b;
    counts[b + 1]++;
  }
  for (let b = 1; b < counts.length; b++) counts[b] += counts[b - 1];
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[counts[bin[i]]++] = i;
  return order;
}

/** Ticks of the colour bar: the bottom, the middle and the clip (with its percentile). */
export function scaleTicks(s: GeneScale): { at: number; text: string }[] {
  const f = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
  if (s.n_nonzero === 0) return [];
  return [
    { at: 0, text: f(s.lo) },
    { at: 0.5, text: f((s.lo + s.hi) / 2) },
    { at: 1, text: `${f(s.hi)}${s.hi < s.max ? ` (p${s.percentile}; max ${f(s.max)})` : ''}` },
  ];
}
