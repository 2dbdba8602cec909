/**
 * The dotplot drawn as scanpy draws it: groups as rows, genes as columns; dot area grows with
 * the fraction of expressing cells (scanpy: size ∝ (fraction / dot_max)^1.5, dot_max = the
 * largest fraction rounded up to a tenth), colour = the (scaled) mean on matplotlib's 'Reds';
 * a colour bar and a dot-size legend on the right.
 */
import type { DotplotValues } from '../markers/dotplot.ts';
import { reds, samples } from './colormap.ts';
import type { Scene, Shape } from './scene.ts';
import { fitText, textWidth } from './text.ts';

export interface DotplotFigureOptions {
  title?: string;
  /** Side of a dot's cell in pixels (default: 24, smaller for big plots). */
  cell?: number;
}

const LABEL = 12;
const SMALL = 10.5;

/** scanpy's dot_max: the largest fraction rounded up to a tenth (at least 0.1). */
export function dotMax(fraction: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < fraction.length; i++) m = Math.max(m, fraction[i]);
  return Math.max(0.1, Math.ceil(m * 10) / 10);
}

/** Dot radius for a fraction: area ∝ (fraction / dot_max)^1.5 as scanpy's size_exponent. */
export function dotRadius(fraction: number, max: number, rMax: number): number {
  const f = Math.min(1, fraction / max);
  return rMax * Math.pow(f, 0.75);
}

function colorRange(d: DotplotValues): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of d.scaled_mean) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (d.standard_scale !== 'none') return [0, 1];
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Colour bar and size legend; side by side at (x, y) when `across`, else stacked. */
function legends(d: DotplotValues, x: number, y: number, rMax: number, max: number, across = false): Shape[] {
  const [lo, hi] = colorRange(d);
  const title = d.standard_scale === 'none' ? 'Mean expression in group' : `Mean expression (scaled per ${d.standard_scale === 'var' ? 'gene' : 'group'})`;
  const out: Shape[] = [
    { kind: 'text', x, y, text: title, size: SMALL, bold: true },
    { kind: 'gradient', x, y: y + 8, w: 150, h: 12, colors: samples(reds) },
  ];
  for (const t of [0, 0.5, 1]) {
    out.push({ kind: 'line', x1: x + 150 * t, y1: y + 20, x2: x + 150 * t, y2: y + 24, stroke: '#444' });
    out.push({ kind: 'text', x: x + 150 * t, y: y + 35, text: fmt(lo + t * (hi - lo)), size: SMALL, anchor: 'middle' });
  }
  const sx = across ? x + Math.max(230, textWidth(title, SMALL) + 30) : x;
  const sy = across ? y : y + 62;
  out.push({ kind: 'text', x: sx, y: sy, text: 'Fraction of cells in group (%)', size: SMALL, bold: true });
  const steps = [0.2, 0.4, 0.6, 0.8, 1].map((s) => s * max);
  steps.forEach((f, i) => {
    const cx = sx + rMax + i * (2 * rMax + 6);
    out.push({ kind: 'circle', cx, cy: sy + 10 + rMax, r: dotRadius(f, max, rMax), fill: '#888888', stroke: '#333333', strokeWidth: 0.4, cls: 'size-legend' });
    out.push({ kind: 'text', x: cx, y: sy + 2 * rMax + 26, text: String(Math.round(f * 100)), size: SMALL, anchor: 'middle' });
  });
  return out;
}

/** The dotplot as a Scene (drawn to SVG or PNG by svg.ts / raster.ts). */
export function dotplotFigure(d: DotplotValues, options: DotplotFigureOptions = {}): Scene {
  const nG = d.groups.length;
  const nV = d.genes.length;
  const cell = options.cell ?? (Math.max(nG, nV) > 60 ? 14 : Math.max(nG, nV) > 30 ? 18 : 24);
  const rMax = cell / 2 - 1;
  const groups = d.groups.map((g) => fitText(g, LABEL, 260));
  const genes = d.genes.map((g) => fitText(g, LABEL, 200));
  const left = 12 + Math.max(...groups.map((g) => textWidth(g, LABEL))) + 8;
  const gridW = nV * cell;
  const gridH = nG * cell;
  // A wide plot (many genes) gets its legends above the grid, where they are seen without scrolling.
  const across = gridW > 760;
  const titleH = options.title ? 38 : 14;
  const top = across ? titleH + 2 * Math.max(8, rMax) + 52 : titleH;
  const bottom = Math.max(...genes.map((g) => textWidth(g, LABEL))) + 14;
  const legendX = across ? left : left + gridW + 28;
  const legendW = across ? 0 : Math.max(210, 5 * (2 * Math.max(8, rMax) + 6));
  const width = Math.ceil(Math.max(left + gridW + 12, legendX + legendW + 12, across ? left + 520 : 0));
  const height = Math.ceil(Math.max(top + gridH + bottom, top + 150) + 8);
  const max = dotMax(d.fraction);
  const [lo, hi] = colorRange(d);
  const shapes: Shape[] = [];
  if (options.title) shapes.push({ kind: 'text', x: left, y: 24, text: options.title, size: 14, bold: true });
  shapes.push({ kind: 'rect', x: left, y: top, w: gridW, h: gridH, stroke: '#999999', strokeWidth: 0.6 });
  groups.forEach((g, i) => shapes.push({ kind: 'text', x: left - 8, y: top + (i + 0.5) * cell + LABEL * 0.36, text: g, size: LABEL, anchor: 'end' }));
  genes.forEach((g, j) => shapes.push({ kind: 'text', x: left + (j + 0.5) * cell + LABEL * 0.36, y: top + gridH + 8, text: g, size: LABEL, anchor: 'end', rotate: -90 }));
  for (let i = 0; i < nG; i++) {
    for (let j = 0; j < nV; j++) {
      const k = i * nV + j;
      const f = d.fraction[k];
      shapes.push({
        kind: 'circle',
        cx: left + (j + 0.5) * cell,
        cy: top + (i + 0.5) * cell,
        r: dotRadius(f, max, rMax),
        fill: reds((d.scaled_mean[k] - lo) / (hi - lo)),
        stroke: '#333333',
        strokeWidth: 0.3,
        cls: 'dot',
        title: `${d.groups[i]} · ${d.genes[j]}: ${(f * 100).toFixed(1)}% of cells, mean ${d.mean[k].toPrecision(4)}${d.standard_scale !== 'none' ? ` (scaled ${d.scaled_mean[k].toFixed(3)})` : ''}`,
      });
    }
  }
  shapes.push(...legends(d, legendX, across ? titleH + 6 : top + 10, Math.max(8, rMax), max, across));
  return { width, height, background: '#ffffff', shapes, title: options.title ?? `Dotplot of ${nV} genes over ${nG} groups` };
}
