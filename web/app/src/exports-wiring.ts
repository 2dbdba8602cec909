/**
 * Connects the download buttons (downloads.ts, streamed by the export worker) to the shown run:
 * what each export needs of it, and which exports the input allows.
 */
import { proportionsCsv } from '../../engine/export/csv.ts';
import { expand } from '../../engine/worker/compact.ts';
import type { Colouring } from './colouring.ts';
import { setupDownloads } from './downloads.ts';
import type { AppBus } from './events.ts';
import { $ } from './panel-dom.ts';
import type { RunController } from './run-controller.ts';
import { COMPUTED_UMAP } from './run-state.ts';

export function wireExports(bus: AppBus, runs: RunController, colouring: Colouring): void {
  bus.on('data', (d) => {
    if (!d) return;
    // The annotated .h5ad is the input plus columns: only for .h5ad inputs.
    const h5ad = $<HTMLButtonElement>('dl-h5ad');
    const format = d.summary.format;
    h5ad.disabled = !!format;
    h5ad.title = format ? `the annotated .h5ad adds columns to an .h5ad input; this input is a ${format.name}: download the CSV tables` : '';
  });
  setupDownloads({
    run: () => {
      const run = runs.current;
      if (!run) return null;
      const { spec, result } = run;
      const umap = run.embeddingName === COMPUTED_UMAP && run.positions ? run.positions : undefined;
      const a = expand(result);
      return { ...spec, modelName: run.model.name, modelVersion: run.model.version, annotations: { ...a, umap } };
    },
    proportions: () => {
      const run = runs.current;
      if (!run) return null;
      const name = $<HTMLSelectElement>('group-by').value;
      const col = colouring.column(run);
      const labels = Array.from(col.codes, (c) => col.categories[c]);
      const g = run.groups[name];
      const groups = g ? Array.from(g.codes, (c) => g.categories[c]) : labels.map(() => 'all cells');
      return { name: `proportions_by_${name || 'all'}.csv`, text: proportionsCsv(labels, groups) };
    },
  });
}
