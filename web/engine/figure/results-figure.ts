/**
 * CellTypist's results figure: the embedding coloured by majority voting, by predicted labels
 * and by confidence (conf_score), side by side, each with its legend (labels with colours and
 * counts, or a colour bar) — what `sc.pl.umap(adata, color=['majority_voting',
 * 'predicted_labels', 'conf_score'])` shows after annotation; gene panels add a gene's expression
 * as `sc.pl.umap(color=GENE)` does (zeros grey, clipped at p99).
 */
import { categoryColor, labelColor, samples, viridis } from './colormap.ts';
import { geneColor, geneDrawOrder, geneScale, type GeneScale, scaleTicks, ZERO_COLOR } from './gene-scale.ts';
import type { Scene, Shape } from './scene.ts';
import { scatterRaster } from './scatter-raster.ts';
import { fitText, textWidth } from './text.ts';

export type Panel =
  | { title: string; kind: 'labels'; labels: ArrayLike<string> }
  | { title: string; kind: 'values'; values: ArrayLike<number>; min?: number; max?: number }
  /** A gene's expression: zeros grey and drawn first, viridis clipped at p99 (gene-scale.ts). */
  | { title: string; kind: 'gene'; values: ArrayLike<number> };

export interface ResultsFigureOptions {
  /** n × 2 coordinates, row-major. */
  embedding: ArrayLike<number>;
  /** Axis name prefix (e.g. 'UMAP'). */
  basis?: string;
  panels: Panel[];
  /** Raster pixels per figure pixel for the points (default 2: sharp at 2× PNG). */
  pixel_ratio?: number;
  /** Side of each scatter panel (default 380). */
  side?: number;
}

const LEGEND_ROWS = 26;
const FONT = 10.5;

/** One colour per label over all panels (sorted union), so a cell type has the same colour everywhere. */
export function sharedColors(panels: Panel[]): Map<string, string> {
  const all = new Set<string>();
  for (const p of panels) if (p.kind === 'labels') for (let i = 0; i < p.labels.length; i++) all.add(p.labels[i]);
  return new Map([...all].sort().map((l, i) => [l, labelColor(l, i)]));
}

/** Labels in legend order (sorted, as a pandas category) with their counts and colours. */
export function legendEntries(labels: ArrayLike<string>, colors?: Map<string, string>): { label: string; count: number; color: string }[] {
  const counts = new Map<string, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  return [...counts.keys()].sort().map((label, i) => ({ label, count: counts.get(label)!, color: colors?.get(label) ?? labelColor(label, i) }));
}

function labelsLegend(entries: ReturnType<typeof legendEntries>, x: number, y: number): { shapes: Shape[]; width: number } {
  const shapes: Shape[] = [];
  const texts = entries.map((e) => fitText(`${e.label} (${e.count.toLocaleString('en-US')})`, FONT, 210));
  const cols = Math.ceil(entries.length / LEGEND_ROWS);
  let cx = x;
  for (let c = 0; c < cols; c++) {
    const slice = texts.slice(c * LEGEND_ROWS, (c + 1) * LEGEND_ROWS);
    slice.forEach((t, r) => {
      const e = entries[c * LEGEND_ROWS + r];
      shapes.push({ kind: 'circle', cx: cx + 5, cy: y + r * 14.5 + 5, r: 4.5, fill: e.color, cls: 'legend' });
      shapes.push({ kind: 'text', x: cx + 14, y: y + r * 14.5 + 9, text: t, size: FONT });
    });
    cx += 18 + Math.max(...slice.map((t) => textWidth(t, FONT))) + 10;
  }
  return { shapes, width: cx - x };
}

function valuesLegend(lo: number, hi: number, x: number, y: number, side: number): { shapes: Shape[]; width: number } {
  const h = Math.min(200, side * 0.6);
  const shapes: Shape[] = [{ kind: 'gradient', x, y, w: 14, h, colors: samples(viridis), vertical: true }];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const ty = y + h - t * h;
    shapes.push({ kind: 'line', x1: x + 14, y1: ty, x2: x + 18, y2: ty, stroke: '#444444' });
    shapes.push({ kind: 'text', x: x + 21, y: ty + 3.5, text: (lo + t * (hi - lo)).toFixed(2), size: FONT });
  }
  return { shapes, width: 56 };
}

function geneLegend(s: GeneScale, x: number, y: number, side: number): { shapes: Shape[]; width: number } {
  const h = Math.min(200, side * 0.6);
  const shapes: Shape[] = [{ kind: 'gradient', x, y, w: 14, h, colors: samples(viridis), vertical: true }];
  const ticks = scaleTicks(s);
  for (const t of ticks) {
    const ty = y + h - t.at * h;
    shapes.push({ kind: 'line', x1: x + 14, y1: ty, x2: x + 18, y2: ty, stroke: '#444444' });
    shapes.push({ kind: 'text', x: x + 21, y: ty + 3.5, text: t.text.replace(/ \(.*\)$/, ''), size: FONT });
  }
  const clipped = s.hi < s.max ? `clip p${s.percentile} (max ${s.max.toFixed(2)})` : '';
  shapes.push({ kind: 'rect', x, y: y + h + 12, w: 14, h: 10, fill: ZERO_COLOR });
  shapes.push({ kind: 'text', x: x + 21, y: y + h + 21, text: `0 (${(s.n_cells - s.n_nonzero).toLocaleString('en-US')})`, size: FONT });
  if (clipped) shapes.push({ kind: 'text', x, y: y + h + 38, text: clipped, size: FONT - 1.5, fill: '#555555' });
  return { shapes, width: Math.max(70, clipped ? textWidth(clipped, FONT - 1.5) : 0) };
}

function panelColors(p: Panel, colors: Map<string, string>): { colorOf: (i: number) => string; order?: Uint32Array; legend: (x: number, y: number, side: number) => { shapes: Shape[]; width: number } } {
  if (p.kind === 'gene') {
    const s = geneScale(p.values);
    return { colorOf: (i) => geneColor(p.values[i], s), order: geneDrawOrder(p.values, s), legend: (x, y, side) => geneLegend(s, x, y, side) };
  }
  if (p.kind === 'labels') {
    const entries = legendEntries(p.labels, colors);
    const color = new Map(entries.map((e) => [e.label, e.color]));
    return { colorOf: (i) => color.get(p.labels[i]) ?? categoryColor(0), legend: (x, y) => labelsLegend(entries, x, y) };
  }
  let lo = p.min ?? Infinity;
  let hi = p.max ?? -Infinity;
  if (p.min === undefined || p.max === undefined) {
    for (let i = 0; i < p.values.length; i++) {
      if (p.min === undefined) lo = Math.min(lo, p.values[i]);
      if (p.max === undefined) hi = Math.max(hi, p.values[i]);
    }
  }
  const range = hi > lo ? hi - lo : 1;
  return { colorOf: (i) => viridis((p.values[i] - lo) / range), legend: (x, y, side) => valuesLegend(lo, hi, x, y, side) };
}

/** The figure as a Scene (SVG or PNG through svg.ts / raster.ts). */
export function resultsFigure(o: ResultsFigureOptions): Scene {
  const side = o.side ?? 380;
  const ratio = o.pixel_ratio ?? 2;
  const basis = o.basis ?? 'UMAP';
  const shapes: Shape[] = [];
  let x = 16;
  const top = 34;
  const colors = sharedColors(o.panels);
  for (const p of o.panels) {
    const { colorOf, order, legend } = panelColors(p, colors);
    const rgba = scatterRaster(o.embedding, colorOf, { width: Math.round(side * ratio), height: Math.round(side * ratio), radius: undefined, order });
    shapes.push({ kind: 'text', x: x + side / 2, y: 22, text: p.title, size: 14, anchor: 'middle', bold: true });
    shapes.push({ kind: 'rect', x, y: top, w: side, h: side, stroke: '#bbbbbb', strokeWidth: 0.8 });
    shapes.push({ kind: 'image', x, y: top, w: side, h: side, width: Math.round(side * ratio), height: Math.round(side * ratio), rgba });
    shapes.push({ kind: 'text', x: x + 4, y: top + side + 14, text: `${basis}1`, size: FONT });
    shapes.push({ kind: 'text', x: x - 4, y: top + side - 4, text: `${basis}2`, size: FONT, rotate: -90 });
    const l = legend(x + side + 12, top + 4, side);
    shapes.push(...l.shapes);
    x += side + 12 + l.width + 24;
  }
  const rows = Math.max(0, ...o.panels.map((p) => (p.kind === 'labels' ? Math.min(LEGEND_ROWS, legendEntries(p.labels).length) : 0)));
  const height = Math.ceil(Math.max(top + side + 24, top + rows * 14.5 + 16));
  return { width: Math.ceil(x - 8), height, background: '#ffffff', shapes, title: o.panels.map((p) => p.title).join(', ') };
}
