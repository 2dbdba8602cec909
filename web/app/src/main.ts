/**
 * The celltypist-wasm page: pick data and model, run annotation in the worker, show the
 * embedding coloured by label, the legend with counts, and downloads. Everything stays local.
 */
import { proportionsCsv } from '../../engine/export/csv.ts';
import { setupDownloads, type DownloadSource } from './downloads.ts';
import type { AnnotationResult, ModelInfo, Mode } from '../../engine/types.ts';
import type { H5adSummary } from '../../engine/h5ad/read.ts';
import { dropZone } from './drop-zone.ts';
import { dropFiles } from './drop-files.ts';
import { formatLines, inputLabel } from './data-summary.ts';
import { fetchBytes } from '../../engine/models/fetch.ts';
import { EmbeddingPlot, colorOf } from './plot.ts';
import type { Request, Response } from './protocol.ts';
import { getModel, loadRegistry, store } from './catalog.ts';
import { crosstab } from '../../engine/export/crosstab.ts';
import type { Registry } from '../../engine/models/registry.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'classic' });
let nextId = 1;
const pending = new Map<number, { resolve: (r: Response) => void; reject: (e: Error) => void; onProgress?: (r: Response) => void }>();

worker.onmessage = (ev: MessageEvent<Response>) => {
  const m = ev.data;
  if (m.type === 'ready') {
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
    $('engine-status').textContent =
      m.variant === 'simd-threads'
        ? 'Engine: WebAssembly SIMD + threads.'
        : `Engine: WebAssembly SIMD (single thread${isolated ? '' : ': this page is not cross-origin isolated, so threads are off'}).`;
    $('engine-status').dataset.variant = m.variant;
    return;
  }
  const p = pending.get(m.id);
  if (!p) {
    if (m.type === 'error') showError(m.message);
    return;
  }
  if (m.type === 'progress') return p.onProgress?.(m);
  pending.delete(m.id);
  if (m.type === 'error') p.reject(Object.assign(new Error(m.message), { code: m.code }));
  else p.resolve(m);
};
worker.onerror = (e) => showError(`The annotation worker failed to start: ${e.message}`);

function call(req: Omit<Request, 'id'> & { type: Request['type'] }, onProgress?: (r: Response) => void): { id: number; done: Promise<Response> } {
  const id = nextId++;
  const done = new Promise<Response>((resolve, reject) => pending.set(id, { resolve, reject, onProgress }));
  worker.postMessage({ ...req, id });
  return { id, done };
}

// ---- state --------------------------------------------------------------------------------
let dataFile: File | null = null;
/** Every file of the input (a .mtx with its names, a Cell Ranger folder); dataFile is the first. */
let dataFiles: File[] = [];
let summary: H5adSummary | null = null;
let modelBytes: Uint8Array | null = null;
let modelInfo: ModelInfo | null = null;
let modelName = '';
/** The run behind `result`, for exports (they rescore the input the same way). */
let lastRun: Omit<NonNullable<ReturnType<DownloadSource['run']>>, 'file' | 'files' | 'annotations'> | null = null;
let result: AnnotationResult | null = null;
let embedding: { name: string; dims: number; data: Float32Array } | null = null;
let highlighted: string | null = null;
let groups: Record<string, string[]> = {};
const plot = new EmbeddingPlot($('plot'), onHover);

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
  const files = Array.isArray(input) ? input : [input];
  const file = files[0];
  const label = inputLabel(files);
  dataFile = file;
  dataFiles = files;
  summary = null;
  updateRun();
  $('data-summary').textContent = `Reading ${label} …`;
  try {
    const r = (await call({ type: 'summary', file, files } as Request, (m) => {
      if (m.type === 'progress' && m.progress.message) $('data-summary').textContent = `Reading ${label}: ${m.progress.message}`;
    }).done) as Extract<Response, { type: 'summary' }>;
    summary = r.summary;
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
    if (!emb.options.length) emb.add(new Option('UMAP (computed here)', ''));
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
    $('model-summary').textContent = '';
    showError((e as Error).message);
  }
  updateRun();
}

dropFiles($('data-drop'), $('data-file') as HTMLInputElement, setData);
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
let running: number | null = null;
$('run').addEventListener('click', async () => {
  if (!dataFile || !modelBytes) return;
  clearError();
  const majority = ($('majority') as HTMLInputElement).checked;
  const options = {
    mode: ($('mode') as HTMLSelectElement).value as Mode,
    p_thres: Number(($('p-thres') as HTMLInputElement).value),
    majority_voting: majority,
    over_clustering: majority ? ($('cluster-col') as HTMLSelectElement).value || undefined : undefined,
    min_prop: Number(($('min-prop') as HTMLInputElement).value),
    normalize_counts: ($('normalize') as HTMLInputElement).checked,
    compute_umap: !($('embedding') as HTMLSelectElement).value,
    seed: 0,
  };
  const emb = ($('embedding') as HTMLSelectElement).value || undefined;
  ($('run') as HTMLButtonElement).disabled = true;
  ($('cancel') as HTMLButtonElement).disabled = false;
  const bar = $('progress') as HTMLProgressElement;
  const geneTable = registry?.gene_tables?.find((t) => t.name === 'Ensembl105_Human2Mouse_Genes');
  const idTable = registry?.gene_tables?.find((t) => t.name === 'GENCODEv44_Gene_id2name');
  const runInfo = { model: modelBytes, modelName, modelVersion: modelInfo?.description.version ?? '', options, geneTable, idTable };
  const { id, done } = call({ type: 'annotate', file: dataFile, files: dataFiles, model: modelBytes, options, embedding: emb, geneTable, idTable } as Request, (m) => {
    if (m.type !== 'progress') return;
    bar.value = m.progress.fraction;
    $('progress-text').textContent = `${m.progress.stage}: ${m.progress.message ?? ''}`;
  });
  running = id;
  try {
    const r = (await done) as Extract<Response, { type: 'result' }>;
    result = r.result;
    lastRun = runInfo;
    embedding = r.embedding;
    groups = r.groups;
    bar.value = 1;
    $('progress-text').textContent = `done in ${r.result.stats.timings.total.toFixed(2)} s`;
    showResults();
  } catch (e) {
    showError((e as Error).message);
    bar.value = 0;
    $('progress-text').textContent = '';
  } finally {
    running = null;
    ($('cancel') as HTMLButtonElement).disabled = true;
    updateRun();
  }
});
$('cancel').addEventListener('click', () => running !== null && worker.postMessage({ type: 'cancel', id: running }));

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
    showError((e as Error).message);
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
  if (!f || !dataFile || !result) return;
  clearError();
  $('compare-summary').textContent = `annotating with ${f.name} …`;
  const first = result;
  try {
    const options = { mode: first.stats.mode, p_thres: first.stats.p_thres, normalize_counts: ($('normalize') as HTMLInputElement).checked, return_matrices: false, compute_umap: false };
    const r = ((await call({ type: 'annotate', file: dataFile, files: dataFiles, model: new Uint8Array(await f.arrayBuffer()), options } as Request).done) as Extract<Response, { type: 'result' }>).result;
    const t = crosstab(first.predicted_labels, r.predicted_labels);
    const same = first.predicted_labels.filter((l, i) => l === r.predicted_labels[i]).length;
    $('compare-summary').textContent = `${f.name}: ${fmt(r.stats.n_features_used)} of ${fmt(r.stats.n_features_model)} genes found; same label as the first model for ${fmt(same)} of ${fmt(first.predicted_labels.length)} cells. Rows: first model, columns: ${f.name}.`;
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
    showError((e as Error).message);
  } finally {
    input.value = '';
  }
});

// ---- results ------------------------------------------------------------------------------
function labelsFor(by: string): string[] {
  return by === 'majority_voting' && result!.majority_voting ? result!.majority_voting : result!.predicted_labels;
}

function colors(): Uint8Array {
  const r = result!;
  const by = ($('color-by') as HTMLSelectElement).value;
  const out = new Uint8Array(r.cell_ids.length * 4);
  if (by === 'conf_score') {
    for (let i = 0; i < r.cell_ids.length; i++) {
      const c = r.conf_score[i];
      out.set([Math.round(255 * (1 - c)), Math.round(80 + 120 * c), Math.round(255 * c), 230], 4 * i);
    }
    return out;
  }
  const labels = labelsFor(by);
  const order = [...new Set(labels)].sort();
  const idx = new Map(order.map((l, i) => [l, i]));
  for (let i = 0; i < labels.length; i++) {
    const [R, G, B] = colorOf(idx.get(labels[i])!);
    const dim = highlighted !== null && labels[i] !== highlighted;
    out.set(dim ? [210, 210, 210, 90] : [R, G, B, 230], 4 * i);
  }
  return out;
}

function legend() {
  const by = ($('color-by') as HTMLSelectElement).value;
  const tbody = ($('legend') as HTMLTableElement).tBodies[0];
  tbody.innerHTML = '';
  const labels = labelsFor(by === 'conf_score' ? 'predicted_labels' : by);
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const order = [...counts.keys()].sort();
  order.forEach((l, i) => {
    const tr = tbody.insertRow();
    tr.dataset.label = l;
    if (highlighted !== null && highlighted !== l) tr.classList.add('dim');
    const [R, G, B] = colorOf(i);
    tr.insertCell().innerHTML = `<span class="swatch" style="background: rgb(${R},${G},${B})"></span>`;
    tr.insertCell().textContent = l;
    tr.insertCell().textContent = fmt(counts.get(l)!);
    tr.addEventListener('click', () => {
      highlighted = highlighted === l ? null : l;
      legend();
      plot.setColors(colors());
    });
  });
}

function showResults() {
  const r = result!;
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
  cb.add(new Option('confidence', 'conf_score'));
  legend();
  if (embedding && embedding.dims >= 2) {
    const n = r.cell_ids.length;
    const pos = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      pos[2 * i] = embedding.data[i * embedding.dims];
      pos[2 * i + 1] = embedding.data[i * embedding.dims + 1];
    }
    $('plot').hidden = false;
    plot.setData({ positions: pos, colors: colors(), n });
  } else {
    $('plot').textContent = 'This file has no 2-D embedding in obsm (X_umap, X_tsne, …).';
  }
  const gb = $('group-by') as HTMLSelectElement;
  gb.innerHTML = '';
  for (const name of Object.keys(groups)) gb.add(new Option(name, name, name === 'sample', name === 'sample'));
  proportions();
  document.body.dataset.state = 'results';
  document.dispatchEvent(new CustomEvent('celltypist:results', { detail: r })); // read by embed.ts (portal iframes)
}

/** Table of label proportions (%) per group of the chosen obs column. */
function proportions() {
  const table = $('proportions') as HTMLTableElement;
  table.innerHTML = '';
  const col = ($('group-by') as HTMLSelectElement).value;
  const g = groups[col];
  if (!result || !g) return;
  const by = ($('color-by') as HTMLSelectElement).value;
  const labels = labelsFor(by === 'conf_score' ? 'predicted_labels' : by);
  const names = [...new Set(labels)].sort();
  const keys = [...new Set(g)].sort();
  const counts = new Map<string, Map<string, number>>(keys.map((k) => [k, new Map()]));
  labels.forEach((l, i) => counts.get(g[i])!.set(l, (counts.get(g[i])!.get(l) ?? 0) + 1));
  const head = table.createTHead().insertRow();
  for (const h of [col, 'cells', ...names]) head.insertCell().textContent = h;
  const body = table.createTBody();
  for (const k of keys) {
    const row = body.insertRow();
    const total = [...counts.get(k)!.values()].reduce((a, b) => a + b, 0);
    row.insertCell().textContent = k;
    row.insertCell().textContent = fmt(total);
    for (const n of names) row.insertCell().textContent = `${((100 * (counts.get(k)!.get(n) ?? 0)) / total).toFixed(1)}%`;
  }
}
$('group-by').addEventListener('change', proportions);
$('color-by').addEventListener('change', () => {
  highlighted = null;
  legend();
  proportions();
  plot.setColors(colors());
});

function onHover(i: number, x: number, y: number) {
  const tip = $('tooltip');
  if (i < 0 || !result) {
    tip.hidden = true;
    return;
  }
  const r = result;
  const L = r.labels.length;
  let top = '';
  if (r.probability_matrix) {
    const p = Array.from(r.probability_matrix.subarray(i * L, (i + 1) * L)).map((v, k) => [v, k] as const);
    p.sort((a, b) => b[0] - a[0]);
    top = p.slice(0, 3).map(([v, k]) => `${r.labels[k]}: ${v.toFixed(3)}`).join('<br>');
  }
  tip.innerHTML = `<b>${r.cell_ids[i]}</b><br>${r.predicted_labels[i]}${r.majority_voting ? ` → ${r.majority_voting[i]}` : ''}<br>confidence ${r.conf_score[i].toFixed(3)}<br>${top}`;
  tip.style.left = `${x + 12}px`;
  tip.style.top = `${y + 12}px`;
  tip.hidden = false;
}

function download(name: string, content: string | Blob) {
  const blob = content instanceof Blob ? content : new Blob([content], { type: 'text/csv' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
// CSV tables, proportions and .h5ad files: streamed from the export worker (downloads.ts).
setupDownloads({
  run: () =>
    result && dataFile && lastRun
      ? { ...lastRun, file: dataFile, files: dataFiles, annotations: { cell_ids: result.cell_ids, labels: result.labels, predicted_labels: result.predicted_labels, conf_score: result.conf_score, over_clustering: result.over_clustering, majority_voting: result.majority_voting, umap: result.umap } }
      : null,
  proportions: () => {
    const col = ($('group-by') as HTMLSelectElement).value;
    if (!result || !groups[col]) return null;
    const by = ($('color-by') as HTMLSelectElement).value;
    return { name: `proportions_by_${col}.csv`, text: proportionsCsv(labelsFor(by === 'conf_score' ? 'predicted_labels' : by), groups[col]) };
  },
});
$('dl-png').addEventListener('click', async () => download('celltypist_plot.png', await (await fetch(plot.toPng())).blob()));
