/**
 * Colour the embedding by a gene: the #colour-gene search box (completion over the file's gene
 * names and symbols), the gene's column read in chunks by the Markers worker, its colour scale
 * (engine/figure/gene-scale.ts: zeros grey and drawn first, viridis up to the 99th percentile)
 * and the scale's legend above the plot. The page decides where the colours go (`show`).
 */
import { geneDrawOrder, geneRgba, geneScale, type GeneScale, scaleTicks, ZERO_COLOR } from '../../engine/figure/gene-scale.ts';
import { samples, viridis } from '../../engine/figure/colormap.ts';
import { callGenes } from './gene-client.ts';
import type { MarkersResponse } from './markers-protocol.ts';
import { el } from './panel-dom.ts';

export interface GeneColouring {
  gene: string;
  values: Float32Array;
  scale: GeneScale;
  /** Per-cell RGBA in cell order and the drawing order (expressing cells last). */
  rgba: Uint8Array;
  order: Uint32Array;
}

export interface GeneColourHost {
  /** The shown run's input and cell count (null: no results, or not an .h5ad). */
  current(): { file: File; n_cells: number } | null;
  /** Shows a gene's colours (null: back to the chosen colouring). */
  show(c: GeneColouring | null): void;
}

/** Most completions listed at once (the datalist is refilled as the user types). */
const MAX_OPTIONS = 60;

export class GeneColour {
  private names: string[] = [];
  private lower: string[] = [];
  private namesFor: File | null = null;
  private token = 0;
  private readonly input: HTMLInputElement;
  private readonly list: HTMLDataListElement;
  private readonly status: HTMLElement;
  private readonly legend: HTMLElement;
  /** The gene shown now ('' for none). */
  gene = '';

  constructor(
    controls: HTMLElement,
    legendBox: HTMLElement,
    private readonly host: GeneColourHost,
  ) {
    const wrap = el('span', { className: 'colour-gene' });
    const label = el('label', { htmlFor: 'colour-gene', textContent: 'Colour by gene' });
    this.input = el('input', { id: 'colour-gene', type: 'search', placeholder: 'gene name or symbol, Enter', autocomplete: 'off', spellcheck: false });
    this.input.setAttribute('list', 'colour-gene-list');
    this.input.setAttribute('aria-describedby', 'colour-gene-status');
    this.list = el('datalist', { id: 'colour-gene-list' });
    this.status = el('span', { id: 'colour-gene-status', className: 'colour-gene-status' });
    this.status.setAttribute('role', 'status');
    wrap.append(label, this.input, this.list, this.status);
    controls.append(wrap);
    this.legend = legendBox;
    this.input.addEventListener('input', () => this.complete());
    this.input.addEventListener('focus', () => void this.loadNames());
    this.input.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      void this.colourBy(this.input.value);
    });
  }

  /** A new run (or none): forget the shown gene; names are read again when first needed. */
  reset(): void {
    this.token++;
    this.gene = '';
    this.names = [];
    this.lower = [];
    this.namesFor = null;
    this.input.value = '';
    this.status.textContent = '';
    this.legend.hidden = true;
    this.legend.innerHTML = '';
  }

  /** Back to the chosen colouring (keeps the names). */
  clear(): void {
    this.token++;
    this.gene = '';
    this.legend.hidden = true;
    this.status.textContent = '';
    this.host.show(null);
  }

  private async loadNames(): Promise<void> {
    const cur = this.host.current();
    if (!cur || this.namesFor === cur.file) return;
    this.namesFor = cur.file;
    try {
      const r = (await callGenes({ type: 'gene-names', file: cur.file })) as Extract<MarkersResponse, { type: 'gene-names' }>;
      if (this.namesFor !== cur.file) return;
      this.names = r.names;
      this.lower = r.names.map((n) => n.toLowerCase());
      this.complete();
    } catch {
      this.namesFor = null; // asked again on the next focus
    }
  }

  /** Refills the datalist with the names starting with (then containing) what is typed. */
  private complete(): void {
    const q = this.input.value.trim().toLowerCase();
    this.list.innerHTML = '';
    if (!q) return;
    const picked: string[] = [];
    for (let i = 0; i < this.lower.length && picked.length < MAX_OPTIONS; i++) if (this.lower[i].startsWith(q)) picked.push(this.names[i]);
    for (let i = 0; i < this.lower.length && picked.length < MAX_OPTIONS; i++) if (!this.lower[i].startsWith(q) && this.lower[i].includes(q)) picked.push(this.names[i]);
    for (const n of picked) this.list.append(new Option(n));
  }

  /** Reads the gene's values in the worker and shows them (the plot's data-colour follows). */
  async colourBy(gene: string): Promise<void> {
    const cur = this.host.current();
    const name = gene.trim();
    if (!name) return this.clear();
    if (!cur) {
      this.status.textContent = 'Colouring by a gene reads the expression of an annotated .h5ad input.';
      return;
    }
    const token = ++this.token;
    this.input.value = name;
    this.status.textContent = `reading ${name} …`;
    try {
      const r = (await callGenes({ type: 'gene-values', file: cur.file, gene: name })) as Extract<MarkersResponse, { type: 'gene-values' }>;
      if (token !== this.token) return;
      if (r.values.length !== cur.n_cells) throw new Error(`the file has ${r.values.length} cells, the results ${cur.n_cells}`);
      const scale = geneScale(r.values);
      const c: GeneColouring = { gene: r.gene, values: r.values, scale, rgba: geneRgba(r.values, scale), order: geneDrawOrder(r.values, scale) };
      this.gene = r.gene;
      this.input.value = r.gene;
      this.status.dataset.readSeconds = String(r.seconds); // the worker's read (bench-gene-colour.ts)
      this.status.textContent = `${r.gene}: expressed in ${r.n_nonzero.toLocaleString('en-US')} of ${cur.n_cells.toLocaleString('en-US')} cells`;
      this.drawLegend(c);
      this.host.show(c);
    } catch (e) {
      if (token !== this.token) return;
      this.status.textContent = `⚠ ${(e as Error).message}`;
    }
  }

  private drawLegend(c: GeneColouring): void {
    const box = this.legend;
    box.innerHTML = '';
    box.hidden = false;
    box.dataset.gene = c.gene;
    const s = c.scale;
    const title = el('span', { className: 'gene-legend-title', textContent: `${c.gene} (X)` });
    const zero = el('span', { className: 'gene-legend-zero' });
    const sw = el('span', { className: 'swatch' });
    sw.style.background = ZERO_COLOR;
    zero.append(sw, ` 0 (${(c.scale.n_cells - c.scale.n_nonzero).toLocaleString('en-US')} cells)`);
    const bar = el('span', { className: 'gene-legend-bar' });
    bar.style.background = `linear-gradient(to right, ${samples(viridis, 16).join(', ')})`;
    const ticks = el('span', { className: 'gene-legend-ticks' });
    for (const t of scaleTicks(s)) ticks.append(el('span', { textContent: t.text }));
    const clear = el('button', { type: 'button', textContent: '✕', title: 'stop colouring by this gene' });
    clear.setAttribute('aria-label', `stop colouring by ${c.gene}`);
    clear.addEventListener('click', () => {
      this.input.value = '';
      this.clear();
      this.input.focus();
    });
    const scaleBox = el('span', { className: 'gene-legend-scale' });
    scaleBox.setAttribute('role', 'img');
    scaleBox.setAttribute('aria-label', `colour scale of ${c.gene}: viridis from ${scaleTicks(s)[0]?.text ?? '0'} to ${scaleTicks(s)[2]?.text ?? '0'}`);
    scaleBox.append(bar, ticks);
    box.append(title, zero, scaleBox, clear);
  }
}
