/**
 * Comparison of any number of models in the app: extra models (.pkl) annotate the same cells;
 * the panel shows the pairwise agreement matrix (share of cells with the same label) and the
 * cross-tab of any two models, and exports the labels per cell and the agreement as CSV.
 */
import { agreementCsv, agreementMatrix, type Labeling, labelsCsv, modelNames } from '../../engine/export/agreement.ts';
import { crosstab } from '../../engine/export/crosstab.ts';
import type { PanelResult } from './panel-result.ts';
import { el, save, table } from './panel-dom.ts';

export interface CompareInput {
  result: PanelResult;
  modelName: string;
  /** Annotates the same file with other model bytes, with the first run's options. */
  annotate: (model: Uint8Array) => Promise<PanelResult>;
}

let input: CompareInput | null = null;
let runs: Labeling[] = [];

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function build(): HTMLElement {
  const s = el('section', { id: 'models-panel', className: 'panel ctw-panel' });
  s.innerHTML = `<h2>Compare models</h2>
    <label class="drop small"><input type="file" id="models-files" accept=".pkl" multiple /><span>Drop one or more model <b>.pkl</b> files: the same cells are annotated with each</span></label>
    <div id="models-status" class="summary" role="status"></div>
    <h3>Agreement (share of cells with the same label)</h3>
    <div id="models-agreement" class="ctw-scroll" tabindex="0" role="region" aria-label="agreement between the models"></div>
    <div class="ctw-row">Cross-tab of <select id="models-a" aria-label="model in the rows"></select> (rows) and <select id="models-b" aria-label="model in the columns"></select> (columns)</div>
    <div id="models-crosstab" class="ctw-scroll" tabindex="0" role="region" aria-label="cross-tab of the two models' labels"></div>
    <div class="downloads"><button id="models-labels" type="button">labels per model CSV</button><button id="models-agreement-csv" type="button">agreement CSV</button></div>`;
  return s;
}

function renderCrosstab(): void {
  const a = runs[Number($<HTMLSelectElement>('models-a').value)];
  const b = runs[Number($<HTMLSelectElement>('models-b').value)];
  const box = $('models-crosstab');
  box.innerHTML = '';
  if (!a || !b) return;
  const t = crosstab(Array.from(a.labels), Array.from(b.labels));
  box.append(table([`${a.name} \\ ${b.name}`, ...t.cols], t.rows.map((r, i) => [r, ...t.counts[i]]), (v, r) => v / Math.max(1, ...t.counts[r])));
}

function render(): void {
  const m = agreementMatrix(runs);
  const box = $('models-agreement');
  box.innerHTML = '';
  box.append(table(['', ...runs.map((r) => r.name)], runs.map((r, i) => [r.name, ...m[i].map((v) => `${(100 * v).toFixed(1)}%`)])));
  for (const id of ['models-a', 'models-b']) {
    const sel = $<HTMLSelectElement>(id);
    const keep = sel.value;
    sel.innerHTML = '';
    runs.forEach((r, i) => sel.add(new Option(r.name, String(i))));
    sel.value = keep && Number(keep) < runs.length ? keep : id === 'models-a' ? '0' : String(runs.length - 1);
  }
  renderCrosstab();
}

async function addModels(files: File[]): Promise<void> {
  if (!input) return;
  const status = $('models-status');
  for (const f of files) {
    status.textContent = `annotating with ${f.name} …`;
    try {
      const r = await input.annotate(new Uint8Array(await f.arrayBuffer()));
      const names = modelNames([...runs.map((x) => x.name), f.name]);
      runs.push({ name: names[names.length - 1], labels: r.predicted_labels });
      status.textContent = `${runs.length} models: ${f.name} found ${r.stats.n_features_used.toLocaleString('en-US')} of ${r.stats.n_features_model.toLocaleString('en-US')} genes.`;
      render();
    } catch (e) {
      status.textContent = `⚠ ${f.name}: ${(e as Error).message}`;
    }
  }
}

/** Shows the panel for a new result (the first model), after `anchor`; extra models start over. */
export function showCompare(anchor: HTMLElement, inp: CompareInput): void {
  let section = document.getElementById('models-panel');
  if (!section) {
    section = build();
    anchor.after(section);
    const files = $<HTMLInputElement>('models-files');
    files.addEventListener('change', async () => {
      await addModels(Array.from(files.files ?? []));
      files.value = '';
    });
    section.querySelector('.drop')!.addEventListener('dragover', (e) => e.preventDefault());
    section.querySelector('.drop')!.addEventListener('drop', (e) => {
      e.preventDefault();
      addModels(Array.from((e as DragEvent).dataTransfer?.files ?? []));
    });
    $('models-a').addEventListener('change', renderCrosstab);
    $('models-b').addEventListener('change', renderCrosstab);
    $('models-labels').addEventListener('click', () => input && save('labels_per_model.csv', new Blob([labelsCsv(input.result.cell_ids, runs)], { type: 'text/csv' })));
    $('models-agreement-csv').addEventListener('click', () => save('agreement.csv', new Blob([agreementCsv(runs, agreementMatrix(runs))], { type: 'text/csv' })));
  }
  input = inp;
  runs = [{ name: modelNames([inp.modelName])[0], labels: inp.result.predicted_labels }];
  $('models-status').textContent = `1 model (${runs[0].name}); add more to compare.`;
  render();
}
