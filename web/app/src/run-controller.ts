/**
 * Annotate and Cancel: one run at a time, each in a fresh worker (the previous run's wasm heap is
 * freed with the old one). The results show as soon as prediction ends; the plot follows from the
 * file's embedding at once, or from a UMAP computed afterwards (LayoutController).
 */
import type { Request, Response, RunSpec } from '../../engine/worker/protocol.ts';
import type { CatalogPanel } from './catalog-panel.ts';
import type { DataPanel } from './data-panel.ts';
import { CancelledError, type EngineWorker } from './engine-worker.ts';
import type { AppBus } from './events.ts';
import type { LayoutController } from './layout-controller.ts';
import { explainError } from './memory-error.ts';
import type { ModelPanel } from './model-panel.ts';
import type { OptionsPanel } from './options-panel.ts';
import { $, fmt } from './panel-dom.ts';
import type { ResultsView } from './results-view.ts';
import type { RunState } from './run-state.ts';
import { announce, announceTask, clearError, setProgress, showError } from './status.ts';

/** Files with more cells get their UMAP only on request (time and memory). */
const AUTO_UMAP_MAX_CELLS = 500_000;

export interface RunParts {
  data: DataPanel;
  models: ModelPanel;
  catalog: CatalogPanel;
  options: OptionsPanel;
  layout: LayoutController;
  results: ResultsView;
}

export class RunController {
  /** The shown run (null before the first result, and after a new file, run or cancel). */
  current: RunState | null = null;
  /** The id of the annotation in progress (null: none). */
  private running: number | null = null;
  private token = 0;

  constructor(
    private readonly bus: AppBus,
    private readonly engine: EngineWorker,
    private readonly parts: RunParts,
  ) {
    bus.on('data-chosen', () => {
      // A new file while a run is going stops it (and frees its memory); old results go.
      if (this.running !== null || parts.layout.active) engine.restart('a new file was chosen');
      this.clear();
    });
    bus.on('data', () => this.updateButton());
    bus.on('model', () => this.updateButton());
    $('run').addEventListener('click', () => this.run());
    $('cancel').addEventListener('click', () => this.cancel());
  }

  private updateButton() {
    $<HTMLButtonElement>('run').disabled = !(this.parts.data.input && this.parts.models.model);
  }

  /** Drops the shown run from the page (plot buffers, tables, per-cell arrays). */
  private clear() {
    this.current = null;
    delete document.body.dataset.state;
    this.bus.emit('cleared');
  }

  private spec(): RunSpec | null {
    const { data, models, catalog, options } = this.parts;
    if (!data.input || !models.model) return null;
    return {
      file: data.input.files[0],
      files: data.input.files,
      transpose_input: data.transposeInput,
      model: models.model.bytes,
      options: options.annotateOptions(),
      geneTable: catalog.geneTable('Ensembl105_Human2Mouse_Genes'),
      idTable: catalog.geneTable('GENCODEv44_Gene_id2name'),
    };
  }

  private async run() {
    const spec = this.spec();
    if (!spec) return;
    const model = this.parts.models.model!;
    const nObs = this.parts.data.input!.summary.n_obs;
    clearError();
    if (this.engine.busy || this.engine.dirty) this.engine.restart('replaced by a new run');
    this.clear();
    const token = ++this.token;
    const emb = this.parts.options.embedding;
    // Keyboard users who pressed Annotate land on Cancel (Annotate is disabled while it runs).
    const fromButton = document.activeElement === $('run');
    $<HTMLButtonElement>('run').disabled = true;
    $<HTMLButtonElement>('cancel').disabled = false;
    if (fromButton) $('cancel').focus();
    setProgress(0, 'starting');
    announceTask(`Annotating ${fmt(nObs)} cells with ${model.name} …`);
    const layoutNext = !emb && nObs <= AUTO_UMAP_MAX_CELLS;
    const { id, done } = this.engine.call({ type: 'annotate', ...spec, embedding: emb, layout_next: layoutNext } as Request, (m) => {
      if (m.type === 'progress') setProgress(m.progress.fraction, `${m.progress.stage}: ${m.progress.message ?? ''}`, m.progress.stage);
    });
    this.running = id;
    try {
      const r = (await done) as Extract<Response, { type: 'result' }>;
      if (token !== this.token) return;
      const version = model.info.description.version ?? '';
      const run: RunState = { spec, result: r.result, positions: r.embedding?.data ?? null, embeddingName: r.embedding?.name ?? 'UMAP', groups: r.groups, selected: null, model: { name: model.name, version } };
      this.current = run;
      const stats = r.result.stats;
      setProgress(1, `done in ${stats.timings.total.toFixed(2)} s`);
      const waiting = [$('run'), $('cancel'), document.body].includes(document.activeElement as HTMLElement);
      this.show(run, model.info.labels.length, model.name, emb);
      const warned = stats.warnings.length ? `; ${stats.warnings.length} ${stats.warnings.length === 1 ? 'warning' : 'warnings'} in the summary` : '';
      announce(`${fmt(stats.n_cells)} cells annotated with ${model.info.labels.length} cell types in ${stats.timings.total.toFixed(1)} s${warned}. The results follow.`);
      // The keyboard continues in the results (the Cancel button it was on is disabled now).
      if (waiting) $('results-heading').focus();
    } catch (e) {
      if (token !== this.token) return;
      if (e instanceof CancelledError) setProgress(0, 'cancelled');
      else {
        showError(explainError((e as Error).message, `annotating ${fmt(nObs)} cells`));
        setProgress(0, '');
      }
    } finally {
      if (token === this.token) {
        this.running = null;
        $<HTMLButtonElement>('cancel').disabled = true;
        this.updateButton();
      }
    }
  }

  /** Shows the results, then the plot: the file's embedding, a UMAP computed now, or one on request. */
  private show(run: RunState, labelCount: number, modelName: string, emb: string | undefined) {
    const { layout } = this.parts;
    // The panels' own reading of the file (markers dotplot, "why this label") waits for the
    // UMAP: run at the same time they took its CPU and doubled the tab's peak memory.
    let plotSettled!: () => void;
    const settled = new Promise<void>((resolve) => (plotSettled = resolve));
    this.bus.emit('results', run);
    this.parts.results.show(run, labelCount, modelName, settled);
    document.body.dataset.state = 'results';
    document.dispatchEvent(new CustomEvent('celltypist:results', { detail: run.result })); // CompactResult, read by embed.ts (portal iframes)
    let plotted: Promise<void> = Promise.resolve();
    const n = run.result.cell_ids.length;
    if (run.positions) {
      this.bus.emit('positions', run);
      if (!this.engine.busy) this.engine.restart('run finished'); // nothing more to compute: free the run's memory
    } else if (!emb && n > AUTO_UMAP_MAX_CELLS) {
      // Above this a UMAP takes many minutes and over 2 GB in the tab: computed only when asked.
      document.body.dataset.plot = 'on-demand';
      layout.status(`No embedding in the file. A UMAP of ${fmt(n)} cells takes a long time and over 2 GB of memory; the results above are complete.`, false);
    } else if (!emb) plotted = layout.start(run);
    else layout.status(`The file has no embedding '${emb}'.`, false);
    void plotted.finally(plotSettled);
  }

  private cancel() {
    if (this.running === null) return;
    this.token++;
    this.running = null;
    this.engine.restart('cancelled');
    this.clear();
    setProgress(0, 'cancelled');
    announce('Annotation cancelled.');
    const fromButton = document.activeElement === $('cancel');
    $<HTMLButtonElement>('cancel').disabled = true;
    this.updateButton();
    if (fromButton) $('run').focus();
  }
}
