/**
 * The results section: the summary line, "Colour by", the legend, the proportions per sample and
 * the result panels (why this label, results figure, markers, model comparison). Follows the
 * shown run through the page's events.
 */
import type { Request, Response } from '../../engine/worker/protocol.ts';
import { countCodes } from '../../engine/worker/compact.ts';
import type { Colouring } from './colouring.ts';
import type { EngineWorker } from './engine-worker.ts';
import type { AppBus } from './events.ts';
import { Legend } from './legend.ts';
import { panelResult } from './panel-result.ts';
import { $, fmt } from './panel-dom.ts';
import { hidePanels, showPanels } from './panels.ts';
import { plotSummary } from './plot-summary.ts';
import { proportionRows, renderBars, renderTable } from './proportions.ts';
import type { RunState } from './run-state.ts';

/** Runs `fn` once the next frame is painted (a task queued from the frame's callback runs after its paint). */
function afterPaint(fn: () => void) {
  requestAnimationFrame(() => setTimeout(fn, 0));
}

const SOURCES = { graph: "the file's neighbour graph", pca: "the file's PCA", expression: 'HVG → PCA → kNN' };

export class ResultsView {
  private run: RunState | null = null;
  private readonly legend: Legend;

  constructor(
    bus: AppBus,
    private readonly engine: EngineWorker,
    private readonly colouring: Colouring,
  ) {
    this.legend = new Legend($('legend') as HTMLTableElement, $('legend-search') as HTMLInputElement, $('legend-sort') as HTMLSelectElement, $('legend-count'), () => colouring.highlighted, (name, additive) => colouring.toggle(name, additive));
    this.legend.onCard = (label, from) => bus.emit('card', { label, from });
    // The proportions table's type names open their cards too.
    $('proportions').addEventListener('click', (e) => {
      const b = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-about]');
      if (b) bus.emit('card', { label: b.dataset.about!, from: b });
    });
    bus.on('cleared', () => this.clear());
    bus.on('colours', (why) => {
      if (!this.run || why === 'selection') return;
      if (why === 'scheme') this.showLegend();
      else this.legend.render();
      this.proportions();
    });
    bus.on('positions', () => this.summarize());
    $('legend-jump').addEventListener('click', () => this.legend.focus());
    $('group-by').addEventListener('change', () => this.proportions());
    $('proportions-view').addEventListener('change', () => this.proportions());
    $('proportions-level').addEventListener('change', () => this.proportions());
  }

  /** Shows `run`; `plotSettled` settles when the plot is drawn or will not be (the panels start their own work then). */
  show(run: RunState, labelCount: number, modelName: string, plotSettled: Promise<void>): void {
    this.run = run;
    const r = run.result;
    $('results').hidden = false;
    const s = r.stats;
    $('result-summary').textContent =
      `${fmt(s.n_cells)} cells annotated with ${labelCount} cell types (${s.mode.replace('_', ' ')}); ` +
      `${fmt(s.n_features_used)} of ${fmt(s.n_features_model)} model genes found in ${s.matrix}; engine ${s.engine_variant}.` +
      (s.over_clustering
        ? `\nAutomatic over-clustering: ${fmt(s.over_clustering.n_clusters)} Leiden clusters (resolution ${s.over_clustering.resolution}, ${SOURCES[s.over_clustering.source]}) in ${(s.timings.over_clustering ?? 0).toFixed(1)} s.`
        : '') +
      (s.warnings.length ? `\n⚠ ${s.warnings.join('\n⚠ ')}` : '');
    const cb = $<HTMLSelectElement>('color-by');
    cb.innerHTML = '';
    cb.add(new Option('predicted labels', 'predicted_labels'));
    if (r.majority_voting) cb.add(new Option('majority voting', 'majority_voting', true, true));
    if (r.over_clustering) cb.add(new Option('over-clustering', 'over_clustering'));
    cb.add(new Option('confidence', 'conf_score'));
    this.showLegend();
    const gb = $<HTMLSelectElement>('group-by');
    gb.innerHTML = '';
    gb.add(new Option('all cells', ''));
    for (const name of Object.keys(run.groups)) gb.add(new Option(name, name, name === 'sample', name === 'sample'));
    this.proportions();
    // The result panels' setup (~0.3 s at 20k cells) waits for the first paint of the results.
    afterPaint(() => {
      if (this.run === run) this.showPanels(run, modelName, plotSettled);
    });
  }

  private showPanels(run: RunState, modelName: string, ready: Promise<void>) {
    const { spec, result } = run;
    const s = result.stats;
    document.body.dataset.panels = 'shown';
    showPanels({
      file: spec.file,
      result: panelResult(result),
      model: spec.model,
      modelName,
      embedding: run.positions ? { name: run.embeddingName, dims: 2, data: run.positions } : null,
      normalize_counts: !!spec.options.normalize_counts,
      ready,
      annotate: async (model) => {
        const req = { type: 'annotate', file: spec.file, files: spec.files, transpose_input: spec.transpose_input, model, options: { mode: s.mode, p_thres: s.p_thres, normalize_counts: spec.options.normalize_counts } } as Request;
        return panelResult(((await this.engine.call(req).done) as Extract<Response, { type: 'result' }>).result);
      },
    });
  }

  private showLegend() {
    const col = this.colouring.column(this.run!);
    const counts = countCodes(col);
    const colors = this.colouring.colors(col);
    // Types grouped under their parents when the shown column is a label column at the type level.
    const by = this.colouring.by;
    this.legend.setHierarchy(by === 'predicted_labels' || by === 'majority_voting' ? this.colouring.parents : null);
    this.legend.set(col.categories.map((name, k) => ({ name, count: counts[k], color: colors[k] })));
    this.summarize();
  }

  /** The plot's text alternative (its accessible name, also shown under it). */
  private summarize() {
    const run = this.run;
    if (!run) return;
    const col = this.colouring.column(run);
    const counts = countCodes(col);
    const by = $<HTMLSelectElement>('color-by');
    $('plot-summary').textContent = plotSummary({
      cells: run.result.cell_ids.length,
      embedding: run.positions ? run.embeddingName : null,
      colouredBy: by.selectedOptions[0]?.text ?? 'predicted labels',
      items: col.categories.map((name, k) => ({ name, count: counts[k] })),
      confidence: this.colouring.by === 'conf_score',
    });
  }

  /** Proportions of the shown labels per group of the chosen obs column. */
  private proportions() {
    if (!this.run) return;
    const column = $<HTMLSelectElement>('group-by').value;
    const g = this.run.groups[column] ?? null;
    const level = $<HTMLSelectElement>('proportions-level');
    level.hidden = !this.colouring.parents;
    const shown = this.colouring.column(this.run);
    const toParents = !!this.colouring.parents && level.value === 'parent' && !this.colouring.by.endsWith(':parent');
    const col = toParents ? this.colouring.parentColumn(shown) : shown;
    const rows = proportionRows(col, g);
    const colors = this.colouring.colors(col);
    const asTable = $<HTMLSelectElement>('proportions-view').value === 'table';
    $('proportions-bars').hidden = asTable;
    $('proportions').hidden = !asTable;
    if (asTable) renderTable($('proportions') as HTMLTableElement, rows, col.categories, column);
    else renderBars($('proportions-bars'), rows, col.categories, (k) => colors[k], this.colouring.highlighted);
  }

  /** Drops the shown run from the section (tables, legend, panels). */
  private clear() {
    this.run = null;
    delete document.body.dataset.panels;
    hidePanels();
    this.legend.set([]);
    $('results').hidden = true;
    for (const id of ['proportions-bars', 'proportions', 'compare', 'compare-summary', 'result-summary', 'download-status', 'plot-summary']) $(id).innerHTML = '';
  }
}
