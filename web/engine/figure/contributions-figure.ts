/**
 * "Why this label" as a bar chart: one horizontal bar per gene, its contribution (coef × scaled
 * value) to the cell's decision score, positive to the right; the gene's expression beside it.
 */
import type { CellExplanation } from '../markers/explain.ts';
import type { Scene, Shape } from './scene.ts';
import { textWidth } from './text.ts';

export function contributionsFigure(x: CellExplanation, cellId: string): Scene {
  const FONT = 11;
  const rowH = 17;
  const left = 12 + Math.max(60, ...x.genes.map((g) => textWidth(g.gene, FONT))) + 8;
  const barW = 260;
  const maxAbs = Math.max(1e-12, ...x.genes.map((g) => Math.abs(g.contribution)));
  const neg = x.genes.some((g) => g.contribution < 0);
  const zero = left + (neg ? barW / 2 : 0);
  const scale = (neg ? barW / 2 : barW) / maxAbs;
  const top = 36;
  const shapes: Shape[] = [
    { kind: 'text', x: 12, y: 16, text: `${cellId} → ${x.label}`, size: 12.5, bold: true },
    { kind: 'text', x: 12, y: 30, text: `decision score ${x.decision.toFixed(3)}; top genes by coefficient × scaled expression`, size: 10 },
  ];
  x.genes.forEach((g, i) => {
    const y = top + i * rowH;
    const w = g.contribution * scale;
    shapes.push({ kind: 'text', x: left - 8, y: y + 12, text: g.gene, size: FONT, anchor: 'end' });
    shapes.push({ kind: 'rect', x: w >= 0 ? zero : zero + w, y: y + 3, w: Math.abs(w), h: rowH - 6, fill: w >= 0 ? '#c0392b' : '#2e6db4' });
    shapes.push({ kind: 'text', x: left + barW + 8, y: y + 12, text: `${g.contribution >= 0 ? '+' : ''}${g.contribution.toFixed(3)}  (expr ${g.value.toFixed(2)}, coef ${g.coef.toFixed(3)})`, size: 10, fill: '#333333' });
  });
  shapes.push({ kind: 'line', x1: zero, y1: top, x2: zero, y2: top + x.genes.length * rowH, stroke: '#555555' });
  return { width: left + barW + 260, height: top + x.genes.length * rowH + 8, background: '#ffffff', shapes, title: `Why ${cellId} is ${x.label}` };
}
