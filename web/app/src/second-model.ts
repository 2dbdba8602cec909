/**
 * "Compare with another model": the shown run's cells annotated with a second dropped model, and
 * the cross-tabulation of the two labelings.
 */
import { crosstab } from '../../engine/export/crosstab.ts';
import type { Request, Response } from '../../engine/worker/protocol.ts';
import { CancelledError, type EngineWorker } from './engine-worker.ts';
import type { AppBus } from './events.ts';
import { explainError } from './memory-error.ts';
import { $, fmt } from './panel-dom.ts';
import type { RunState } from './run-state.ts';
import { clearError, showError } from './status.ts';

export class SecondModel {
  private run: RunState | null = null;

  constructor(
    bus: AppBus,
    private readonly engine: EngineWorker,
  ) {
    bus.on('results', (r) => (this.run = r));
    bus.on('cleared', () => (this.run = null));
    $('compare-file').addEventListener('change', () => this.compare());
  }

  private async compare() {
    const input = $<HTMLInputElement>('compare-file');
    const f = input.files?.[0];
    const run = this.run;
    if (!f || !run) return;
    clearError();
    $('compare-summary').textContent = `annotating with ${f.name} …`;
    const first = run.result;
    const { spec } = run;
    try {
      const options = { mode: first.stats.mode, p_thres: first.stats.p_thres, normalize_counts: spec.options.normalize_counts };
      const req = { type: 'annotate', file: spec.file, files: spec.files, transpose_input: spec.transpose_input, model: new Uint8Array(await f.arrayBuffer()), options } as Request;
      const r = ((await this.engine.call(req).done) as Extract<Response, { type: 'result' }>).result;
      const a = Array.from(first.predicted.codes, (c) => first.predicted.categories[c]);
      const b = Array.from(r.predicted.codes, (c) => r.predicted.categories[c]);
      const same = a.filter((l, i) => l === b[i]).length;
      $('compare-summary').textContent = `${f.name}: ${fmt(r.stats.n_features_used)} of ${fmt(r.stats.n_features_model)} genes found; same label as the first model for ${fmt(same)} of ${fmt(a.length)} cells. Rows: first model, columns: ${f.name}.`;
      renderCrosstab($<HTMLTableElement>('compare'), crosstab(a, b));
    } catch (e) {
      $('compare-summary').textContent = '';
      if (!(e instanceof CancelledError)) showError(explainError((e as Error).message, 'annotating with the second model'));
    } finally {
      input.value = '';
    }
  }
}

/** The cross-tab as a table, each cell shaded by its share of its row's largest count. */
function renderCrosstab(table: HTMLTableElement, t: ReturnType<typeof crosstab>) {
  table.innerHTML = '';
  const head = table.createTHead().insertRow();
  head.insertCell().textContent = '';
  for (const c of t.cols) head.insertCell().textContent = c;
  const body = table.createTBody();
  t.rows.forEach((row, i) => {
    const tr = body.insertRow();
    tr.insertCell().textContent = row;
    t.counts[i].forEach((n) => {
      const td = tr.insertCell();
      td.textContent = n ? fmt(n) : '';
      if (n) td.style.background = `rgba(40, 110, 200, ${Math.min(0.8, n / Math.max(1, ...t.counts[i]))})`;
    });
  });
}
