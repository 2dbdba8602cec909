/**
 * The embedding plot of the shown run: positions and colours, the hover tooltip, the pan/box/lasso
 * tools with the selection's summary and table, and the PNG download.
 */
import { valueAt } from '../../engine/worker/compact.ts';
import type { Colouring } from './colouring.ts';
import { labelsCsvBlob } from './csv-blobs.ts';
import type { AppBus } from './events.ts';
import { $, fmt, save } from './panel-dom.ts';
import { panelsEmbedding, whyHover } from './panels.ts';
import { EmbeddingPlot, type PlotTool } from './plot.ts';
import type { RunState } from './run-state.ts';

export class PlotController {
  private run: RunState | null = null;
  private readonly plot: EmbeddingPlot;

  constructor(
    private readonly bus: AppBus,
    private readonly colouring: Colouring,
  ) {
    this.plot = new EmbeddingPlot(
      $('plot'),
      (i, x, y) => this.hover(i, x, y),
      (indices) => this.select(indices),
    );
    bus.on('results', (r) => (this.run = r));
    bus.on('positions', (r) => this.draw(r));
    bus.on('colours', () => this.run && this.plot.hasPoints && this.paint(this.run));
    bus.on('cleared', () => {
      this.run = null;
      this.plot.clear();
      $('selection').hidden = true;
      // The hovered cell is gone with its run (the pointer may not move again before new points).
      $('tooltip').hidden = true;
    });
    $('clear-selection').addEventListener('click', () => {
      this.plot.clearShape();
      this.select(new Uint32Array(0));
    });
    $('dl-selection').addEventListener('click', () => this.saveSelection());
    for (const t of ['pan', 'box', 'lasso'] as PlotTool[]) $(`tool-${t}`).addEventListener('change', () => this.plot.setTool(t));
    $('dl-png').addEventListener('click', async () => save('celltypist_plot.png', await (await fetch(this.plot.toPng())).blob()));
  }

  private draw(r: RunState) {
    this.plot.setPositions(r.positions!);
    this.paint(r);
    document.body.dataset.plot = 'ready';
    // The results figure's preview (every cell rasterized per panel, on this thread) waits for the
    // plot's first frame: drawn before it, it held the plot back by 1-2 s at 20k cells.
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (this.run === r) panelsEmbedding({ name: r.embeddingName, dims: 2, data: r.positions! });
      }, 0),
    );
  }

  /** Colours the cells as chosen; the plot element's data-colour names it once drawn. */
  private paint(r: RunState) {
    const c = this.colouring.plotColours(r);
    this.plot.setColors(c.colors, { order: c.order, key: c.key });
  }

  private hover(i: number, x: number, y: number) {
    const tip = $('tooltip');
    if (i < 0 || !this.run) {
      tip.hidden = true;
      return;
    }
    whyHover(i);
    const r = this.run.result;
    tip.textContent = '';
    const line = (text: string, bold = false) => {
      const el = document.createElement(bold ? 'b' : 'div');
      el.textContent = text;
      tip.append(el);
    };
    line(r.cell_ids[i], true);
    line(valueAt(r.predicted, i) + (r.majority_voting ? ` → ${valueAt(r.majority_voting, i)}` : ''));
    if (r.over_clustering) line(`cluster ${valueAt(r.over_clustering, i)}`);
    line(`confidence ${r.conf_score[i].toFixed(3)}`);
    // deck.gl gives canvas coordinates; the tooltip lives in #plot-wrap, above the plot's controls.
    tip.style.left = `${x + 12}px`;
    tip.style.top = `${y + $('plot').offsetTop + 12}px`;
    tip.hidden = false;
  }

  private select(indices: Uint32Array) {
    const run = this.run;
    if (!run) return;
    run.selected = indices.length ? indices : null;
    $('selection').hidden = !indices.length;
    document.body.dataset.selected = String(indices.length);
    if (indices.length) $('selection-summary').textContent = selectionSummary(this.colouring.column(run), indices);
    else this.plot.clearShape();
    this.bus.emit('colours', 'selection');
  }

  /** The selected cells' labels table, with their coordinates. */
  private saveSelection() {
    const run = this.run;
    if (!run?.selected || !run.positions) return;
    const pos = run.positions;
    const n = run.result.cell_ids.length;
    const xs = new Float32Array(n);
    const ys = new Float32Array(n);
    for (const i of run.selected) {
      xs[i] = pos[2 * i];
      ys[i] = pos[2 * i + 1];
    }
    const name = run.embeddingName.replace(/\W+/g, '_');
    save('selected_cells.csv', labelsCsvBlob(run.result, run.selected, [{ name: `${name}1`, values: xs }, { name: `${name}2`, values: ys }]));
  }
}

/** "1,234 cells selected: T cells 40%, B cells 30%, …" (the three largest labels). */
function selectionSummary(col: { categories: string[]; codes: ArrayLike<number> }, indices: Uint32Array): string {
  const counts = new Map<number, number>();
  for (const i of indices) counts.set(col.codes[i], (counts.get(col.codes[i]) ?? 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
  return `${fmt(indices.length)} cells selected: ` + top.map(([k, c]) => `${col.categories[k]} ${((100 * c) / indices.length).toFixed(0)}%`).join(', ') + (counts.size > 3 ? ', …' : '');
}
