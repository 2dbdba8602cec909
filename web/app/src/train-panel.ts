/**
 * The Train tab: celltypist.train on the loaded file in the worker, then the model's .pkl to
 * download or to annotate with at once.
 */
import type { Request, Response } from '../../engine/worker/protocol.ts';
import { CancelledError, type EngineWorker } from './engine-worker.ts';
import type { AppBus } from './events.ts';
import { explainError } from './memory-error.ts';
import type { ModelPanel } from './model-panel.ts';
import { $, fmt, save } from './panel-dom.ts';
import type { DataPanel } from './data-panel.ts';
import { announce, announceProgress, announceTask, clearError, showError } from './status.ts';

export class TrainPanel {
  private trained: { bytes: Uint8Array; name: string } | null = null;

  constructor(
    bus: AppBus,
    private readonly engine: EngineWorker,
    private readonly data: DataPanel,
    models: ModelPanel,
  ) {
    bus.on('data', (d) => this.fillLabels(d?.summary.obs_columns ?? []));
    $('train-labels').addEventListener('change', () => this.updateButton());
    $('train-run').addEventListener('click', () => this.train());
    $('train-download').addEventListener('click', () => this.trained && save(this.trained.name, new Blob([this.trained.bytes as BlobPart], { type: 'application/octet-stream' })));
    $('train-use').addEventListener('click', () => this.trained && models.set(this.trained.bytes, this.trained.name));
  }

  private updateButton() {
    $<HTMLButtonElement>('train-run').disabled = !(this.data.input && $<HTMLSelectElement>('train-labels').value);
  }

  /** The cell-type column choices: categorical and string obs columns, a likely one chosen. */
  private fillLabels(columns: { name: string; kind: string }[]) {
    const tl = $<HTMLSelectElement>('train-labels');
    tl.innerHTML = '';
    for (const c of columns.filter((c) => c.kind === 'categorical' || c.kind === 'string')) {
      const likely = /cell.?type|label/i.test(c.name);
      tl.add(new Option(c.name, c.name, likely, likely));
    }
    this.updateButton();
  }

  private options() {
    const checked = (id: string) => $<HTMLInputElement>(id).checked;
    return {
      labels: $<HTMLSelectElement>('train-labels').value,
      feature_selection: checked('train-fs'),
      top_genes: Number($<HTMLInputElement>('train-top').value) || 300,
      use_sgd: checked('train-sgd') || checked('train-minibatch'),
      mini_batch: checked('train-minibatch'),
      balance_cell_type: checked('train-balance'),
      with_mean: !checked('train-nomean'),
      details: $<HTMLInputElement>('train-details').value,
      normalize_counts: checked('normalize'),
    };
  }

  private async train() {
    const file = this.data.input?.files[0];
    if (!file) return;
    clearError();
    const bar = $<HTMLProgressElement>('train-progress');
    $<HTMLButtonElement>('train-run').disabled = true;
    $('train-summary').textContent = '';
    for (const b of ['train-download', 'train-use']) $(b).hidden = true;
    const options = this.options();
    announceTask(`Training a model on the cell types in ${options.labels} …`);
    const { done } = this.engine.call({ type: 'train', file, options } as Request, (m) => {
      if (m.type !== 'progress') return;
      bar.value = m.progress.fraction;
      $('train-text').textContent = m.progress.message ?? '';
      announceProgress('train', m.progress.fraction);
    });
    try {
      const r = ((await done) as Extract<Response, { type: 'trained' }>).result;
      this.trained = { bytes: r.bytes, name: `${file.name.replace(/\.h5ad$/i, '')}_${options.labels}.pkl` };
      bar.value = 1;
      $('train-text').textContent = `done in ${r.seconds.toFixed(1)} s`;
      $('train-summary').textContent =
        `${r.info.estimator} trained on ${fmt(r.n_cells)} cells: ${r.info.labels.length} cell types, ${fmt(r.info.n_features)} genes` +
        `${r.converged ? '' : ' (stopped before converging)'}.` +
        (r.warnings.length ? `\n⚠ ${r.warnings.join('\n⚠ ')}` : '');
      for (const b of ['train-download', 'train-use']) $(b).hidden = false;
      announce(`Model trained: ${$('train-summary').textContent}`);
    } catch (e) {
      if (!(e instanceof CancelledError)) showError(explainError((e as Error).message, 'training'));
      bar.value = 0;
      $('train-text').textContent = '';
    } finally {
      this.updateButton();
    }
  }
}
