/**
 * The celltypist-wasm page: pick data and model, run annotation in the worker, show results as
 * soon as prediction ends (labels, legend, proportions, downloads), plot the file's embedding at
 * once or a UMAP computed afterwards in the worker (own progress and cancel). Everything local.
 */
import { proportionsCsv } from '../../engine/export/csv.ts';
import { setupDownloads } from './downloads.ts';
import { expand } from '../../engine/worker/compact.ts';
import type { ModelInfo, Mode } from '../../engine/types.ts';
import type { H5adSummary } from '../../engine/h5ad/read.ts';
import { dropZone } from './drop-zone.ts';
import { dropFiles } from './drop-files.ts';
import { formatLines, inputLabel } from './data-summary.ts';
import { fetchBytes } from '../../engine/models/fetch.ts';
import { EmbeddingPlot, type PlotTool } from './plot.ts';
import type { Request, Response, RunSpec } from '../../engine/worker/protocol.ts';
import { getModel, loadRegistry, store } from './catalog.ts';
import { crosstab } from '../../engine/export/crosstab.ts';
import type { Registry } from '../../engine/models/registry.ts';
import { hidePanels, panelsEmbedding, showPanels, whyHover } from './panels.ts';
import { panelResult } from './panel-result.ts';
import { CancelledError, EngineWorker } from './engine-worker.ts';
import { type Categorical, type CompactResult, countCodes, valueAt } from '../../engine/worker/compact.ts';
import { labelsCsvBlob } from './csv-blobs.ts';
import { Legend } from './legend.ts';
import { type PaletteName, paletteColors } from './palette.ts';
import { proportionRows, renderBars, renderTable } from './proportions.ts';
import { explainError } from './memory-error.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const engine = new EngineWorker(
  () => new Worker(new URL('../../engine/worker/worker.ts', import.meta.url), { type: 'classic' }),
  (variant) => {
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
    $('engine-status').textContent =
      variant === 'simd-threads'
        ? 'Engine: WebAssembly SIMD + threads.'
        : `Engine: WebAssembly SIMD (single thread${isolated ? '' : ': this page is not cross-origin isolated, so threads are off'}).`;
    $('engine-status').dataset.variant = variant;
    document.body.dataset.workers = String(engine?.generation ?? 1);
  },
  (message) => showError(explainError(message, 'working on this file')),
);

function call(req: Omit<Request, 'id'> & { type: Request['type'] }, onProgress?: (r: Response) => void): { id: number; done: Promise<Response> } {
  return engine.call(req, onProgress);
}

// ---- state --------------------------------------------------------------------------------
let dataFile: File | null = null;
/** Every file of the input (a .mtx with its names, a Cell Ranger folder); dataFile is the first. */
let dataFiles: File[] = [];
let summary: H5adSummary | null = null;
let modelBytes: Uint8Array | null = null;
let modelInfo: ModelInfo | null = null;
let modelName = '';
/** Model name and version of the shown run (recorded in exported files). */
let runModel = { name: '', version: '' };

/** Everything one run produced; dropped (and its worker replaced) when the next run starts. */
interface RunState {
  spec: RunSpec;
  result: CompactResult;
  /** Row-major cells × 2, the file's embedding or the computed UMAP (null until there is one). */
  positions: Float32Array | null;
  embeddingName: string;
  groups: Record<string, Categorical>;
  /** Colour of each label category of the coloured column (by name order, as scanpy). */
  selected: Uint32Array | null;
}
let run: RunState | null = null;
const highlighted = new Set<string>();
const plot = new EmbeddingPlot($('plot'), onHover, onSelect);
const legend = new Legend($('legend') as HTMLTableElement, $('legend-search') as HTMLInputElement, $('legend-sort') as HTMLSelectElement, $('legend-count'), () => highlighted, toggleHighlight);

function showError(msg: string) {
  $('error').textContent = msg;
}
function clearError() {
  $('error').textContent = '';
}
function updateRun() {
  ($('run') as HTMLButtonElement).disabled = !(dataFile && modelBytes && summary);
  ($('train-run') as HTMLButtonElement).disabled = !(dataFile && summary && ($('train-labels') as HTMLSelectElement).value);
}
const fmt = (n: number) => n.toLocaleString('en-US');

// ---- inputs -------------------------------------------------------------------------------
async function setData(input: File | File[]) {
  clearError();
  // A new file while a run is going stops it (and frees its memory); old results go.
  if (running !== null || layoutActive) engine.restart('a new file was chosen');
  clearResults();
  const files = Array.isArray(input) ? input : [input];
  const file = files[0];
  const label = inputLabel(files);
  dataFile = file;
  dataFiles = files;
  summary = null;
  updateRun();
  $('data-summary').textContent = `Reading ${label} …`;
  try {
    const r = (await call({ type: 'summary', file, files, transpose_input: transposeInput() } as Request, (m) => {
      if (m.type === 'progress' && m.progress.message) $('data-summary').textContent = `Reading ${label}: ${m.progress.message}`;
    }).done) as Extract<Response, { type: 'summary' }>;
    summary = r.summary;
    // The annotated .h5ad is the input plus columns: only for .h5ad inputs.
    const h5ad = $('dl-h5ad') as HTMLButtonElement;
    h5ad.disabled = !!r.summary.format;
    h5ad.title = r.summary.format ? `the annotated .h5ad adds columns to an .h5ad input; this input is a ${r.summary.format.name}: download the CSV tables` : '';
    const s = r.summary;
    const kinds: Record<string, string> = {
      log1p_10k: 'log1p-normalized to 10,000 counts ✓',
      log1p_other_total: 'log1p-normalized, but not to 10,000 counts',
      raw_counts: 'raw counts',
      scaled: 'scaled (X); raw/X is used',
      invalid: 'not usable as is',
      unknown: 'unrecognized normalization',
    };
    $('data-summary').textContent =
      (formatLines(label, s) ?? `${file.name}: ${fmt(s.n_obs)} cells × ${fmt(s.n_vars)} genes (${s.x.encoding}${s.raw ? ', with raw' : ''}, ${s.encoding} encoding)\n` +
      `Expression: ${kinds[r.kind] ?? r.kind}\n` +
      `Embeddings: ${s.obsm.map((o) => o.name).join(', ') || 'none'}\n` +
      `obs columns: ${s.obs_columns.map((c) => c.name).join(', ') || 'none'}`) +
      (r.warnings.length ? `\n⚠ ${r.warnings.join('\n⚠ ')}` : '');
    const sel = $('cluster-col') as HTMLSelectElement;
    sel.innerHTML = '';
    // CellTypist's default: its own over-clustering (on the file's graph when it has one).
    sel.add(new Option(s.has_graph ? "automatic (Leiden on the file's neighbour graph)" : 'automatic (Leiden over-clustering)', ''));
    for (const c of s.obs_columns.filter((c) => c.kind === 'categorical' || c.kind === 'string')) sel.add(new Option(c.name, c.name));
    const tl = $('train-labels') as HTMLSelectElement;
    tl.innerHTML = '';
    for (const c of s.obs_columns.filter((c) => c.kind === 'categorical' || c.kind === 'string')) {
      tl.add(new Option(c.name, c.name, /cell.?type|label/i.test(c.name), /cell.?type|label/i.test(c.name)));
    }
    const emb = $('embedding') as HTMLSelectElement;
    emb.innerHTML = '';
    for (const o of s.obsm.filter((o) => o.dims >= 2)) emb.add(new Option(o.name, o.name, o.name === 'X_umap', o.name === 'X_umap'));
    // Without an embedding the engine computes a UMAP layout so there is always a plot.
    // (also offered when the file has one: e.g. a 2-D obsm that is not a useful picture).
    emb.add(new Option('UMAP (computed here)', '', !emb.options.length, !emb.options.length));
  } catch (e) {
    $('data-summary').textContent = '';
    dataFile = null;
    dataFiles = [];
    showError((e as Error).message);
  }
  updateRun();
}

async function setModel(bytes: Uint8Array, name: string) {
  clearError();
  modelBytes = null;
  updateRun();
  try {
    const r = (await call({ type: 'model', bytes } as Request).done) as Extract<Response, { type: 'model' }>;
    modelBytes = bytes;
    modelInfo = r.info;
    modelName = name;
    const d = r.info.description;
    $('model-summary').textContent = `${name}: ${r.info.labels.length} cell types, ${fmt(r.info.n_features)} genes${d.details ? `\n${d.details}` : ''}${d.version ? ` (${d.version})` : ''}`;
  } catch (e) {
    // The worker was replaced (a run was stopped) while the model loaded: load it in the new one.
    if (e instanceof CancelledError) return setModel(bytes, name);
    $('model-summary').textContent = '';
    showError((e as Error).message);
  }
  updateRun();
}

dropFiles($('data-drop'), $('data-file') as HTMLInputElement, setData);
/** CellTypist's transpose_input for tables and .mtx files; changing it re-reads the data. */
const transposeInput = () => ($('transpose-input') as HTMLInputElement).checked;
$('transpose-input').addEventListener('change', () => dataFiles.length && setData(dataFiles));
dropZone($('model-file').parentElement!, $('model-file') as HTMLInputElement, async (f) => setModel(new Uint8Array(await f.arrayBuffer()), f.name));

// ---- catalog ------------------------------------------------------------------------------
let registry: Registry | null = null;
async function showCached() {
  const keys = await store.list();
  const box = $('cached');
  box.textContent = keys.length ? 'Cached for offline use: ' : '';
  for (const k of keys) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'cached-model';
    b.textContent = `${k} ✕`;
    b.title = 'remove from the cache';
    b.addEventListener('click', async () => {
      await store.delete(k);
      showCached();
    });
    box.append(b);
  }
}
loadRegistry()
  .then((reg) => {
    registry = reg;
    const sel = $('catalog') as HTMLSelectElement;
    for (const m of reg.models) sel.add(new Option(`${m.name} (${m.n_cell_types} types, ${m.version})`, m.name, m.default, m.default));
    return showCached();
  })
  .catch((e) => showError((e as Error).message));
$('catalog-load').addEventListener('click', async () => {
  const m = registry?.models.find((x) => x.name === ($('catalog') as HTMLSelectElement).value);
  if (!m) return;
  clearError();
  const bar = $('model-progress') as HTMLProgressElement;
  bar.hidden = false;
  bar.value = 0;
  try {
    const { bytes, from } = await getModel(m, (f, text) => {
      bar.value = f;
      $('model-summary').textContent = `Downloading ${m.file}: ${text}`;
    });
    await setModel(bytes, `${m.name} ${m.version}${from === 'cache' ? ' (from cache)' : ''}`);
    $('model-summary').dataset.source = from === 'cache' ? 'cache' : 'network';
    showCached();
  } catch (e) {
    showError((e as Error).message);
  } finally {
    bar.hidden = true;
  }
});

$('model-url-load').addEventListener('click', async () => {
  const url = ($('model-url') as HTMLInputElement).value.trim();
  if (!url) return;
  clearError();
  try {
    const bytes = await fetchBytes(url, { onProgress: (p) => ($('model-summary').textContent = `Downloading: ${(p.loaded / 1e6).toFixed(1)} MB`) });
    await setModel(bytes, url.split('/').pop() ?? url);
  } catch (e) {
    // A host outside the page's Content-Security-Policy fails as a network error.
    showError(`could not download ${url}: ${(e as Error).message}. Only the model hosts of the catalog can be contacted from this page; download the file and drop it here instead.`);
  }
});

$('load-demo').addEventListener('click', async () => {
  const [d, m] = await Promise.all([fetch('./demo/demo.h5ad'), fetch('./demo/demo_model.pkl')]);
  await setModel(new Uint8Array(await m.arrayBuffer()), 'demo_model.pkl');
  await setData(new File([await d.blob()], 'demo.h5ad'));
  ($('majority') as HTMLInputElement).checked = true;
  ($('cluster-col') as HTMLSelectElement).value = 'leiden';
});

// ---- run ----------------------------------------------------------------------------------
/** Files with more cells get their UMAP only on request (time and memory), see the run handler. */
const AUTO_UMAP_MAX_CELLS = 500_000;
let running: number | null = null;
let runToken = 0;

function runOptions() {
  const majority = ($('majority') as HTMLInputElement).checked;
  return {
    mode: ($('mode') as HTMLSelectElement).value as Mode,
    p_thres: Number(($('p-thres') as HTMLInputElement).value),
    majority_voting: majority,
    over_clustering: majority ? ($('cluster-col') as HTMLSelectElement).value || undefined : undefined,
    min_prop: Number(($('min-prop') as HTMLInputElement).value),
    normalize_counts: ($('normalize') as HTMLInputElement).checked,
    seed: 0,
  };
}

function setProgress(fraction: number, text: string) {
  ($('progress') as HTMLProgressElement).value = fraction;
  $('progress-text').textContent = text;
}

/** Drops the previous run's results from the page (plot buffers, tables, per-cell arrays). */
function clearResults() {
  run = null;
  hidePanels();
  highlighted.clear();
  plot.clear();
  legend.set([]);
  $('results').hidden = true;
  $('selection').hidden = true;
  $('plot-status').hidden = true;
  for (const id of ['proportions-bars', 'proportions', 'compare', 'compare-summary', 'result-summary', 'download-status']) $(id).innerHTML = '';
  delete document.body.dataset.state;
  delete document.body.dataset.plot;
  delete document.body.dataset.layoutFrom;
  delete document.body.dataset.layoutDigest;
}

$('run').addEventListener('click', async () => {
  if (!dataFile || !modelBytes) return;
  clearError();
  // A fresh worker per run: the previous run's wasm heap is freed with the old one.
  if (engine.busy || engine.dirty) engine.restart('replaced by a new run');
  clearResults();
  const token = ++runToken;
  const spec: RunSpec = {
    file: dataFile,
    files: dataFiles,
    transpose_input: transposeInput(),
    model: modelBytes,
    options: runOptions(),
    geneTable: registry?.gene_tables?.find((t) => t.name === 'Ensembl105_Human2Mouse_Genes'),
    idTable: registry?.gene_tables?.find((t) => t.name === 'GENCODEv44_Gene_id2name'),
  };
  const emb = ($('embedding') as HTMLSelectElement).value || undefined;
  ($('run') as HTMLButtonElement).disabled = true;
  ($('cancel') as HTMLButtonElement).disabled = false;
  setProgress(0, 'starting');
  const layoutNext = !emb && (summary?.n_obs ?? 0) <= AUTO_UMAP_MAX_CELLS;
  const { id, done } = call({ type: 'annotate', ...spec, embedding: emb, layout_next: layoutNext } as Request, (m) => {
    if (m.type === 'progress') setProgress(m.progress.fraction, `${m.progress.stage}: ${m.progress.message ?? ''}`);
  });
  running = id;
  try {
    const r = (await done) as Extract<Response, { type: 'result' }>;
    if (token !== runToken) return;
    runModel = { name: modelName, version: modelInfo?.description.version ?? '' };
    run = { spec, result: r.result, positions: r.embedding?.data ?? null, embeddingName: r.embedding?.name ?? 'UMAP', groups: r.groups, selected: null };
    setProgress(1, `done in ${r.result.stats.timings.total.toFixed(2)} s`);
    // The panels' own reading of the file (markers dotplot, "why this label") waits for the
    // UMAP: run at the same time they took its CPU and doubled the tab's peak memory.
    let plotSettled!: () => void;
    showResults(new Promise<void>((resolve) => (plotSettled = resolve)));
    let layout: Promise<void> = Promise.resolve();
    if (run.positions) {
      plotPositions();
      if (!engine.busy) engine.restart('run finished'); // nothing more to compute: free the run's memory
    } else if (!emb && r.result.cell_ids.length > AUTO_UMAP_MAX_CELLS) {
      // Above this a UMAP takes many minutes and over 2 GB in the tab: computed only when asked.
      document.body.dataset.plot = 'on-demand';
      showPlotStatus(`No embedding in the file. A UMAP of ${fmt(r.result.cell_ids.length)} cells takes a long time and over 2 GB of memory; the results above are complete.`, false);
    } else if (!emb) layout = startLayout();
    else showPlotStatus(`The file has no embedding '${emb}'.`, false);
    void layout.finally(plotSettled);
  } catch (e) {
    if (token !== runToken) return;
    if (e instanceof CancelledError) setProgress(0, 'cancelled');
    else {
      showError(explainError((e as Error).message, `annotating ${summary ? fmt(summary.n_obs) + ' cells' : 'this file'}`));
      setProgress(0, '');
    }
  } finally {
    if (token === runToken) {
      running = null;
      ($('cancel') as HTMLButtonElement).disabled = true;
      updateRun();
    }
  }
});
$('cancel').addEventListener('click', () => {
  if (running === null) return;
  runToken++;
  running = null;
  engine.restart('cancelled');
  clearResults();
  setProgress(0, 'cancelled');
  ($('cancel') as HTMLButtonElement).disabled = true;
  updateRun();
});

// ---- UMAP after the results -----------------------------------------------------------------
let layoutToken = 0;
let layoutActive = false;

function showPlotStatus(text: string, computing: boolean) {
  $('plot-status').hidden = false;
  $('plot-text').textContent = text;
  $('umap-progress').hidden = !computing;
  $('umap-cancel').hidden = !computing;
  $('umap-run').hidden = computing;
}

/** FNV-1a of the coordinates' bytes, hex: two layouts compare equal by it. */
function digest(data: Float32Array): string {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Computes the UMAP layout in the worker; the plot fills in when it is ready. */
async function startLayout() {
  const r = run;
  if (!r) return;
  const token = ++layoutToken;
  document.body.dataset.plot = 'computing';
  showPlotStatus('Computing a UMAP layout (the file has no embedding) …', true);
  ($('umap-progress') as HTMLProgressElement).value = 0;
  layoutActive = true;
  const { done } = call({ type: 'layout', file: r.spec.file, files: r.spec.files, transpose_input: r.spec.transpose_input, normalize_counts: r.spec.options.normalize_counts, seed: 0 } as Request, (m) => {
    if (m.type !== 'progress') return;
    ($('umap-progress') as HTMLProgressElement).value = m.progress.fraction;
    $('plot-text').textContent = `UMAP: ${m.progress.message ?? ''}`;
  });
  try {
    const res = (await done) as Extract<Response, { type: 'layout' }>;
    if (token !== layoutToken || run !== r) return;
    r.positions = res.data;
    r.embeddingName = 'UMAP (computed)';
    // For tests: where the layout came from (after majority voting, its graph) and a digest of it.
    document.body.dataset.layoutFrom = res.from;
    document.body.dataset.layoutDigest = digest(res.data);
    $('plot-status').hidden = true;
    plotPositions();
    if (!engine.busy) engine.restart('run finished'); // free the run's memory
  } catch (e) {
    if (token !== layoutToken || run !== r) return;
    document.body.dataset.plot = e instanceof CancelledError ? 'cancelled' : 'failed';
    showPlotStatus(e instanceof CancelledError ? 'UMAP cancelled: the results above are complete.' : explainError((e as Error).message, 'computing the UMAP layout'), false);
  } finally {
    if (token === layoutToken) layoutActive = false;
  }
}
$('umap-cancel').addEventListener('click', () => {
  engine.restart('UMAP cancelled');
});
$('umap-run').addEventListener('click', () => {
  if (run && !engine.busy) startLayout();
});

// ---- training -----------------------------------------------------------------------------
let trained: { bytes: Uint8Array; name: string } | null = null;
$('train-run').addEventListener('click', async () => {
  if (!dataFile) return;
  clearError();
  const bar = $('train-progress') as HTMLProgressElement;
  ($('train-run') as HTMLButtonElement).disabled = true;
  $('train-summary').textContent = '';
  for (const b of ['train-download', 'train-use']) $(b).hidden = true;
  const options = {
    labels: ($('train-labels') as HTMLSelectElement).value,
    feature_selection: ($('train-fs') as HTMLInputElement).checked,
    top_genes: Number(($('train-top') as HTMLInputElement).value) || 300,
    use_sgd: ($('train-sgd') as HTMLInputElement).checked || ($('train-minibatch') as HTMLInputElement).checked,
    mini_batch: ($('train-minibatch') as HTMLInputElement).checked,
    balance_cell_type: ($('train-balance') as HTMLInputElement).checked,
    with_mean: !($('train-nomean') as HTMLInputElement).checked,
    details: ($('train-details') as HTMLInputElement).value,
    normalize_counts: ($('normalize') as HTMLInputElement).checked,
  };
  const { done } = call({ type: 'train', file: dataFile, options } as Request, (m) => {
    if (m.type !== 'progress') return;
    bar.value = m.progress.fraction;
    $('train-text').textContent = m.progress.message ?? '';
  });
  try {
    const r = ((await done) as Extract<Response, { type: 'trained' }>).result;
    trained = { bytes: r.bytes, name: `${dataFile.name.replace(/\.h5ad$/i, '')}_${options.labels}.pkl` };
    bar.value = 1;
    $('train-text').textContent = `done in ${r.seconds.toFixed(1)} s`;
    $('train-summary').textContent =
      `${r.info.estimator} trained on ${fmt(r.n_cells)} cells: ${r.info.labels.length} cell types, ${fmt(r.info.n_features)} genes` +
      `${r.converged ? '' : ' (stopped before converging)'}.` +
      (r.warnings.length ? `\n⚠ ${r.warnings.join('\n⚠ ')}` : '');
    for (const b of ['train-download', 'train-use']) $(b).hidden = false;
  } catch (e) {
    if (!(e instanceof CancelledError)) showError(explainError((e as Error).message, "training"));
    bar.value = 0;
    $('train-text').textContent = '';
  } finally {
    updateRun();
  }
});
$('train-labels').addEventListener('change', updateRun);
$('train-download').addEventListener('click', () => trained && download(trained.name, new Blob([trained.bytes as BlobPart], { type: 'application/octet-stream' })));
$('train-use').addEventListener('click', () => trained && setModel(trained.bytes, trained.name));

// ---- comparison with a second model -------------------------------------------------------
$('compare-file').addEventListener('change', async () => {
  const input = $('compare-file') as HTMLInputElement;
  const f = input.files?.[0];
  if (!f || !run) return;
  clearError();
  $('compare-summary').textContent = `annotating with ${f.name} …`;
  const first = run.result;
  try {
    const options = { mode: first.stats.mode, p_thres: first.stats.p_thres, normalize_counts: run.spec.options.normalize_counts };
    const r = ((await call({ type: 'annotate', file: run.spec.file, files: run.spec.files, transpose_input: run.spec.transpose_input, model: new Uint8Array(await f.arrayBuffer()), options } as Request).done) as Extract<Response, { type: 'result' }>).result;
    const a = Array.from(first.predicted.codes, (c) => first.predicted.categories[c]);
    const b = Array.from(r.predicted.codes, (c) => r.predicted.categories[c]);
    const t = crosstab(a, b);
    const same = a.filter((l, i) => l === b[i]).length;
    $('compare-summary').textContent = `${f.name}: ${fmt(r.stats.n_features_used)} of ${fmt(r.stats.n_features_model)} genes found; same label as the first model for ${fmt(same)} of ${fmt(a.length)} cells. Rows: first model, columns: ${f.name}.`;
    const table = $('compare') as HTMLTableElement;
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
  } catch (e) {
    $('compare-summary').textContent = '';
    if (!(e instanceof CancelledError)) showError(explainError((e as Error).message, "annotating with the second model"));
  } finally {
    input.value = '';
  }
});

// ---- results ------------------------------------------------------------------------------
type ColorBy = 'predicted_labels' | 'majority_voting' | 'over_clustering' | 'conf_score';
const colorBy = () => ($('color-by') as HTMLSelectElement).value as ColorBy;

/** The categorical column shown by the legend, proportions and (unless confidence) the plot. */
function shownColumn(): Categorical {
  const r = run!.result;
  const by = colorBy();
  if (by === 'majority_voting' && r.majority_voting) return r.majority_voting;
  if (by === 'over_clustering' && r.over_clustering) return r.over_clustering;
  return r.predicted;
}

/** Colour of each category of `col`: palette order = category names sorted, as scanpy. */
function categoryColors(col: Categorical): [number, number, number][] {
  const order = col.categories.map((_, k) => k).sort((a, b) => (col.categories[a] < col.categories[b] ? -1 : col.categories[a] > col.categories[b] ? 1 : 0));
  const pal = paletteColors(($('palette') as HTMLSelectElement).value as PaletteName, col.categories.length);
  const out: [number, number, number][] = new Array(col.categories.length);
  order.forEach((k, rank) => (out[k] = pal[rank]));
  return out;
}

/** Per-cell RGBA (binary attribute for deck.gl): highlight and selection dim the others. */
function cellColors(): Uint8Array {
  const r = run!.result;
  const n = r.cell_ids.length;
  const out = new Uint8Array(n * 4);
  const col = shownColumn();
  const sel = run!.selected ? new Uint8Array(n) : null;
  if (sel) for (const i of run!.selected!) sel[i] = 1;
  const keep = new Uint8Array(col.categories.length).fill(1);
  if (highlighted.size) col.categories.forEach((c, k) => (keep[k] = highlighted.has(c) ? 1 : 0));
  const colors = categoryColors(col);
  const conf = colorBy() === 'conf_score';
  for (let i = 0; i < n; i++) {
    const k = col.codes[i];
    const o = 4 * i;
    if (!keep[k] || (sel && !sel[i])) {
      out[o] = out[o + 1] = out[o + 2] = 215;
      out[o + 3] = 90;
      continue;
    }
    if (conf) {
      const c = r.conf_score[i];
      out[o] = Math.round(255 * (1 - c));
      out[o + 1] = Math.round(80 + 120 * c);
      out[o + 2] = Math.round(255 * c);
    } else {
      const [R, G, B] = colors[k];
      out[o] = R;
      out[o + 1] = G;
      out[o + 2] = B;
    }
    out[o + 3] = 230;
  }
  return out;
}

function showLegend() {
  const col = shownColumn();
  const counts = countCodes(col);
  const colors = categoryColors(col);
  legend.set(col.categories.map((name, k) => ({ name, count: counts[k], color: colors[k] })));
}

function toggleHighlight(name: string, additive: boolean) {
  if (additive) {
    if (highlighted.has(name)) highlighted.delete(name);
    else highlighted.add(name);
  } else {
    const only = highlighted.size === 1 && highlighted.has(name);
    highlighted.clear();
    if (!only) highlighted.add(name);
  }
  legend.render();
  proportions();
  if (plot.hasPoints) plot.setColors(cellColors());
}

function plotPositions() {
  const r = run!;
  plot.setPositions(r.positions!);
  plot.setColors(cellColors());
  document.body.dataset.plot = 'ready';
  // The results figure's preview (every cell rasterized per panel, on this thread) waits for the
  // plot's first frame: drawn before it, it held the plot back by 1-2 s at 20k cells.
  requestAnimationFrame(() =>
    setTimeout(() => {
      if (run === r) panelsEmbedding({ name: r.embeddingName, dims: 2, data: r.positions! });
    }, 0),
  );
}

/** `plotSettled`: the plot is drawn or will not be (the panels start their own work then). */
function showResults(plotSettled: Promise<void>) {
  const r = run!.result;
  $('results').hidden = false;
  const s = r.stats;
  $('result-summary').textContent =
    `${fmt(s.n_cells)} cells annotated with ${modelInfo?.labels.length ?? r.labels.length} cell types (${s.mode.replace('_', ' ')}); ` +
    `${fmt(s.n_features_used)} of ${fmt(s.n_features_model)} model genes found in ${s.matrix}; engine ${s.engine_variant}.` +
    (s.over_clustering
      ? `\nAutomatic over-clustering: ${fmt(s.over_clustering.n_clusters)} Leiden clusters (resolution ${s.over_clustering.resolution}, ${{ graph: "the file's neighbour graph", pca: "the file's PCA", expression: 'HVG → PCA → kNN' }[s.over_clustering.source]}) in ${(s.timings.over_clustering ?? 0).toFixed(1)} s.`
      : '') +
    (s.warnings.length ? `\n⚠ ${s.warnings.join('\n⚠ ')}` : '');
  const cb = $('color-by') as HTMLSelectElement;
  cb.innerHTML = '';
  cb.add(new Option('predicted labels', 'predicted_labels'));
  if (r.majority_voting) cb.add(new Option('majority voting', 'majority_voting', true, true));
  if (r.over_clustering) cb.add(new Option('over-clustering', 'over_clustering'));
  cb.add(new Option('confidence', 'conf_score'));
  showLegend();
  const gb = $('group-by') as HTMLSelectElement;
  gb.innerHTML = '';
  gb.add(new Option('all cells', ''));
  for (const name of Object.keys(run!.groups)) gb.add(new Option(name, name, name === 'sample', name === 'sample'));
  proportions();
  // Issue 16's panels (why this label, results figure, markers, N-model comparison): one hook.
  const spec = run!.spec;
  const pos = run!.positions;
  showPanels({
    file: spec.file,
    result: panelResult(r),
    model: spec.model,
    modelName: $('model-summary').textContent?.split(':')[0] || 'model',
    embedding: pos ? { name: run!.embeddingName, dims: 2, data: pos } : null,
    normalize_counts: !!spec.options.normalize_counts,
    ready: plotSettled,
    annotate: async (model) =>
      panelResult(((await call({ type: 'annotate', file: spec.file, files: spec.files, transpose_input: spec.transpose_input, model, options: { mode: s.mode, p_thres: s.p_thres, normalize_counts: spec.options.normalize_counts } } as Request).done) as Extract<Response, { type: 'result' }>).result),
  });
  document.body.dataset.state = 'results';
  document.dispatchEvent(new CustomEvent('celltypist:results', { detail: r })); // CompactResult, read by embed.ts (portal iframes)
}

/** Proportions of the shown labels per group of the chosen obs column. */
function proportions() {
  if (!run) return;
  const g = run.groups[($('group-by') as HTMLSelectElement).value] ?? null;
  const col = shownColumn();
  const rows = proportionRows(col, g);
  const colors = categoryColors(col);
  const asTable = ($('proportions-view') as HTMLSelectElement).value === 'table';
  $('proportions-bars').hidden = asTable;
  $('proportions').hidden = !asTable;
  if (asTable) renderTable($('proportions') as HTMLTableElement, rows, col.categories, ($('group-by') as HTMLSelectElement).value);
  else renderBars($('proportions-bars'), rows, col.categories, (k) => colors[k], highlighted);
}
$('group-by').addEventListener('change', proportions);
$('proportions-view').addEventListener('change', proportions);
function recolor() {
  showLegend();
  proportions();
  if (plot.hasPoints) plot.setColors(cellColors());
}
$('color-by').addEventListener('change', () => {
  highlighted.clear();
  recolor();
});
$('palette').addEventListener('change', () => run && recolor());

// ---- hover and selection ------------------------------------------------------------------
function onHover(i: number, x: number, y: number) {
  const tip = $('tooltip');
  if (i < 0 || !run) {
    tip.hidden = true;
    return;
  }
  whyHover(i);
  const r = run.result;
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

function onSelect(indices: Uint32Array) {
  if (!run) return;
  run.selected = indices.length ? indices : null;
  $('selection').hidden = !indices.length;
  document.body.dataset.selected = String(indices.length);
  if (indices.length) {
    const col = shownColumn();
    const counts = new Map<number, number>();
    for (const i of indices) counts.set(col.codes[i], (counts.get(col.codes[i]) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
    $('selection-summary').textContent =
      `${fmt(indices.length)} cells selected: ` + top.map(([k, c]) => `${col.categories[k]} ${((100 * c) / indices.length).toFixed(0)}%`).join(', ') + (counts.size > 3 ? ', …' : '');
  } else plot.clearShape();
  plot.setColors(cellColors());
}
$('clear-selection').addEventListener('click', () => {
  plot.clearShape();
  onSelect(new Uint32Array(0));
});
$('dl-selection').addEventListener('click', () => {
  if (!run?.selected || !run.positions) return;
  const pos = run.positions;
  const n = run.result.cell_ids.length;
  const xs = new Float32Array(n), ys = new Float32Array(n);
  for (const i of run.selected) {
    xs[i] = pos[2 * i];
    ys[i] = pos[2 * i + 1];
  }
  const name = run.embeddingName.replace(/\W+/g, '_');
  download('selected_cells.csv', labelsCsvBlob(run.result, run.selected, [{ name: `${name}1`, values: xs }, { name: `${name}2`, values: ys }]));
});
for (const t of ['pan', 'box', 'lasso'] as PlotTool[]) $(`tool-${t}`).addEventListener('change', () => plot.setTool(t));

// ---- downloads ----------------------------------------------------------------------------
function download(name: string, content: string | Blob) {
  const blob = content instanceof Blob ? content : new Blob([content], { type: 'text/csv' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

// Tables, proportions and .h5ad files: streamed to disk by the export worker (downloads.ts).
setupDownloads({
  run: () => {
    if (!run) return null;
    const { spec, result } = run;
    const umap = run.embeddingName === 'UMAP (computed)' && run.positions ? run.positions : undefined;
    const a = expand(result);
    return { ...spec, modelName: runModel.name, modelVersion: runModel.version, annotations: { ...a, umap }, conf_float32: true };
  },
  proportions: () => {
    if (!run) return null;
    const name = ($('group-by') as HTMLSelectElement).value;
    const col = shownColumn();
    const labels = Array.from(col.codes, (c) => col.categories[c]);
    const g = run.groups[name];
    const groups = g ? Array.from(g.codes, (c) => g.categories[c]) : labels.map(() => 'all cells');
    return { name: `proportions_by_${name || 'all'}.csv`, text: proportionsCsv(labels, groups) };
  },
});
$('dl-png').addEventListener('click', async () => download('celltypist_plot.png', await (await fetch(plot.toPng())).blob()));
