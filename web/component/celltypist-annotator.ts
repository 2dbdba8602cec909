/**
 * <celltypist-annotator>: CellTypist annotation as a drop-in element for data portals. The data
 * is read and annotated in a Web Worker on the visitor's machine; nothing is uploaded.
 *
 * Attributes
 *   model-url   URL of a CellTypist .pkl (same origin or an allowed model host); or call setModel()
 *   embedding   obsm key to plot (default X_umap; without it a UMAP layout is computed)
 *   mode        best_match (default) | prob_match;  p-thres  (default 0.5)
 *   majority-voting  (boolean) refine labels by majority voting; over-clustering  obs column with
 *               the clusters (absent: CellTypist's automatic over-clustering; giving it implies
 *               majority voting); min-prop (default 0); seed (default 0)
 *   wasm-base-url  URL folder of the wasm core's files (read once, when the element is attached);
 *               default: the files your bundler emitted next to the package
 * Methods
 *   setModel(bytes: Uint8Array): Promise<ModelInfo>
 *   annotate(file: File): Promise<AnnotationResult>    (also triggered by dropping a file on it;
 *               labels, conf_score, voting and `umap` when computed; no decision/probability matrices)
 * Events
 *   'progress' (detail: Progress), 'annotated' (detail: AnnotationResult), 'error' (detail: {code, message})
 */
import type { AnnotationResult, ModelInfo, Mode, Progress } from '../engine/types.ts';
import { dropZone } from '../app/src/drop-zone.ts';
import { EmbeddingPlot } from '../app/src/plot.ts';
import { paletteColors } from '../app/src/palette.ts';
import { BrowserAnnotator } from '../engine/browser-annotator.ts';

const STYLE = `
:host { display: block; font-family: system-ui, sans-serif; border: 1px solid #ccd; border-radius: 8px; padding: 10px; }
.drop { border: 2px dashed #8aa; border-radius: 6px; padding: 12px; text-align: center; cursor: pointer; }
.drop.over { background: #e8f3ff; }
.row { display: flex; gap: 10px; margin-top: 8px; }
.plot { position: relative; flex: 1; height: 360px; border: 1px solid #eee; }
table { font-size: 12px; border-collapse: collapse; }
td { padding: 1px 6px; }
.sw { display: inline-block; width: 10px; height: 10px; border-radius: 2px; }
.err { color: #a00; }
progress { width: 100%; }
`;

export class CellTypistAnnotator extends HTMLElement {
  private annotator: BrowserAnnotator | null = null;
  private model: Uint8Array | null = null;
  private modelLoading: Promise<ModelInfo> | null = null;
  private plot: EmbeddingPlot | null = null;
  private readonly root: ShadowRoot;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.innerHTML = `<style>${STYLE}</style>
      <label class="drop" part="drop"><input type="file" accept=".h5ad" hidden /><span>Drop an .h5ad file to annotate it in your browser (nothing is uploaded)</span></label>
      <progress max="1" value="0"></progress><div class="status" part="status"></div><div class="err" role="alert"></div>
      <div class="row"><div class="plot"></div><table><tbody></tbody></table></div>`;
  }

  connectedCallback() {
    this.annotator = new BrowserAnnotator({ wasmBaseUrl: this.getAttribute('wasm-base-url') ?? undefined });
    dropZone(this.root.querySelector('.drop') as HTMLElement, this.root.querySelector('input') as HTMLInputElement, (f) => {
      this.annotate(f).catch(() => {}); // errors are shown in the element and sent as 'error' events
    });
    const url = this.getAttribute('model-url');
    if (url) {
      this.modelLoading = fetch(url)
        .then((r) => {
          if (!r.ok) throw new Error(`cannot download the model ${url}: HTTP ${r.status}`);
          return r.arrayBuffer();
        })
        .then((b) => this.setModel(new Uint8Array(b)));
      this.modelLoading.catch((e) => this.fail('model', (e as Error).message));
    }
  }

  disconnectedCallback() {
    this.annotator?.terminate();
    this.annotator = null;
  }

  private worker(): BrowserAnnotator {
    if (!this.annotator) throw new Error('<celltypist-annotator> is not attached to a document');
    return this.annotator;
  }

  private onProgress = (p: Progress) => {
    (this.root.querySelector('progress') as HTMLProgressElement).value = p.fraction;
    this.status(`${p.stage}: ${p.message ?? ''}`);
    this.dispatchEvent(new CustomEvent<Progress>('progress', { detail: p }));
  };

  private status(text: string) {
    (this.root.querySelector('.status') as HTMLElement).textContent = text;
  }

  private fail(code: string, message: string) {
    (this.root.querySelector('.err') as HTMLElement).textContent = message;
    this.dispatchEvent(new CustomEvent('error', { detail: { code, message } }));
  }

  /** Loads a CellTypist model (.pkl bytes) for the next annotations. */
  async setModel(bytes: Uint8Array): Promise<ModelInfo> {
    const info = await this.worker().modelInfo(bytes);
    this.model = bytes;
    this.status(`model: ${info.labels.length} cell types, ${info.n_features.toLocaleString('en-US')} genes`);
    return info;
  }

  /** Annotates an .h5ad File with the loaded model; renders and returns the result. */
  async annotate(file: File): Promise<AnnotationResult> {
    (this.root.querySelector('.err') as HTMLElement).textContent = '';
    try {
      if (!this.model && this.modelLoading) await this.modelLoading;
      if (!this.model) throw new Error('no model: set the model-url attribute or call setModel()');
      const over = this.getAttribute('over-clustering') ?? undefined;
      const r = await this.worker().annotate(
        file,
        this.model,
        {
          embedding: this.getAttribute('embedding') ?? 'X_umap',
          mode: (this.getAttribute('mode') ?? 'best_match') as Mode,
          p_thres: Number(this.getAttribute('p-thres') ?? 0.5),
          majority_voting: !!over || this.hasAttribute('majority-voting'),
          over_clustering: over,
          seed: Number(this.getAttribute('seed') ?? 0),
          min_prop: Number(this.getAttribute('min-prop') ?? 0),
        },
        this.onProgress,
      );
      this.render(r.result, r.embedding?.data ?? null);
      this.dispatchEvent(new CustomEvent<AnnotationResult>('annotated', { detail: r.result }));
      return r.result;
    } catch (e) {
      this.fail((e as { code?: string }).code ?? 'error', (e as Error).message);
      throw e;
    }
  }

  private render(r: AnnotationResult, xy: Float32Array | null) {
    const labels = r.majority_voting ?? r.predicted_labels;
    const names = [...new Set(labels)].sort();
    const palette = paletteColors('default', names.length);
    const idx = new Map(names.map((n, i) => [n, i]));
    const counts = new Map<string, number>();
    for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    const tbody = this.root.querySelector('tbody')!;
    tbody.innerHTML = '';
    names.forEach((n, i) => {
      const [R, G, B] = palette[i];
      const tr = tbody.insertRow();
      tr.insertCell().innerHTML = `<span class="sw" style="background:rgb(${R},${G},${B})"></span>`;
      tr.insertCell().textContent = n;
      tr.insertCell().textContent = counts.get(n)!.toLocaleString('en-US');
    });
    this.status(`${r.stats.n_cells.toLocaleString('en-US')} cells annotated (${r.stats.n_features_used.toLocaleString('en-US')} of ${r.stats.n_features_model.toLocaleString('en-US')} model genes found)`);
    if (!xy) return;
    const n = r.cell_ids.length;
    const colors = new Uint8Array(4 * n);
    for (let i = 0; i < n; i++) {
      const [R, G, B] = palette[idx.get(labels[i])!];
      colors.set([R, G, B, 230], 4 * i);
    }
    this.plot ??= new EmbeddingPlot(this.root.querySelector('.plot') as HTMLElement, () => {}, () => {});
    this.plot.setPositions(xy);
    this.plot.setColors(colors);
  }
}

if (!customElements.get('celltypist-annotator')) customElements.define('celltypist-annotator', CellTypistAnnotator);
