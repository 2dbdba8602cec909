/**
 * The Markers panel (below the results): a dotplot of marker genes over the cells grouped by
 * predicted or majority-voting labels. Genes default to the model's top markers of the cell types
 * present; they can be edited, or searched among the data's genes and added. Dot size = fraction of
 * expressing cells, colour = scaled mean (scanpy's values, computed in a worker that streams only
 * those genes). Exports SVG, PNG and the long CSV table.
 */
import { dotplotFigure } from '../../engine/figure/dotplot-figure.ts';
import { encodePng } from '../../engine/figure/png.ts';
import { rasterize } from '../../engine/figure/raster.ts';
import { toSvg } from '../../engine/figure/svg.ts';
import type { DotplotResult } from '../../engine/markers/dotplot-reader.ts';
import { dotplotCsv } from '../../engine/markers/dotplot-table.ts';
import type { StandardScale } from '../../engine/markers/dotplot.ts';
import { groupsFromLabels } from '../../engine/markers/groups.ts';
import { markerGenes } from '../../engine/markers/top-markers.ts';
import type { PanelResult } from './panel-result.ts';
import { callMarkers } from './markers-client.ts';
import type { MarkersResponse } from './markers-protocol.ts';
import { el, save } from './panel-dom.ts';

const call = callMarkers;

export interface MarkersInput {
  file: File;
  result: PanelResult;
  model: Uint8Array;
}

interface State extends MarkersInput {
  dotplot: DotplotResult | null;
  markers: { labels: string[]; markers: Record<string, string[]> } | null;
}

let state: State | null = null;
/** The newest dotplot request: an older one that finishes later is dropped, not drawn over it. */
let plotSeq = 0;

function build(): HTMLElement {
  const section = el('section', { id: 'markers-panel', className: 'panel ctw-panel' });
  section.innerHTML = `
    <h2>Markers</h2>
    <div class="ctw-row">
      <label>Group by <select id="markers-groupby"></select></label>
      <label>Top markers per type <input id="markers-top" type="number" min="1" max="20" value="2" /></label>
      <label>Scale <select id="markers-scale"><option value="var">per gene (scanpy var)</option><option value="group">per group</option><option value="none">none</option></select></label>
      <button id="markers-defaults" type="button">Use top markers</button>
    </div>
    <div class="ctw-row">
      <label class="ctw-grow">Genes <input id="markers-genes" type="text" spellcheck="false" placeholder="comma-separated gene names" /></label>
      <label>Search <input id="markers-search" type="search" list="markers-gene-list" placeholder="type a gene, Enter adds it" /></label>
      <datalist id="markers-gene-list"></datalist>
      <button id="markers-plot" type="button">Plot</button>
    </div>
    <div id="markers-status" class="summary" role="status" tabindex="-1"></div>
    <div id="markers-figure" class="ctw-figure" tabindex="0" role="region" aria-label="markers dotplot"></div>
    <div id="markers-colour" class="markers-colour" hidden></div>
    <div class="downloads">
      <button id="markers-svg" type="button" disabled>dotplot SVG</button>
      <button id="markers-png" type="button" disabled>dotplot PNG</button>
      <button id="markers-csv" type="button" disabled>dotplot CSV</button>
    </div>`;
  return section;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function groupLabels(): string[] {
  const by = $<HTMLSelectElement>('markers-groupby').value;
  return by === 'majority_voting' && state!.result.majority_voting ? state!.result.majority_voting : state!.result.predicted_labels;
}

async function defaultGenes(): Promise<void> {
  if (!state) return;
  const top = Math.max(1, Math.min(20, Number($<HTMLInputElement>('markers-top').value) || 2));
  const r = (await call({ type: 'markers', model: state.model, top })) as Extract<MarkersResponse, { type: 'markers' }>;
  state.markers = r;
  const chosen = markerGenes(r.labels, r.markers, new Set(groupLabels()));
  $<HTMLInputElement>('markers-genes').value = chosen.genes.join(', ');
}

/** Event asking the page to colour the plot by a gene (label-biology.ts listens). */
export const COLOUR_GENE_EVENT = 'celltypist:colour-gene';

/**
 * One button per plotted gene: a click colours the embedding by it. A keyboard user's focus on
 * one of them stays on the same gene's new button (else a redraw would drop it to the page).
 */
function colourButtons(genes: string[]): void {
  const box = $('markers-colour');
  const active = document.activeElement as HTMLElement | null;
  const focusedGene = active && box.contains(active) ? active.dataset.gene : undefined;
  box.innerHTML = '';
  box.hidden = !genes.length;
  box.append('Colour the plot by:');
  for (const g of genes) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = g;
    b.dataset.gene = g;
    b.setAttribute('aria-label', `colour the plot by ${g}`);
    b.addEventListener('click', () => document.dispatchEvent(new CustomEvent(COLOUR_GENE_EVENT, { detail: g })));
    box.append(b);
    if (g === focusedGene) b.focus();
  }
}

/** A dotplot of `genes` (e.g. a label card's markers): the panel shows them and comes into view. */
export async function dotplotGenes(genes: string[]): Promise<void> {
  const section = document.getElementById('markers-panel');
  if (!state || !section) return;
  $<HTMLInputElement>('markers-genes').value = genes.join(', ');
  section.scrollIntoView({ block: 'start' });
  await plotNow();
  $('markers-status').focus();
}

function showFigure(d: DotplotResult): void {
  const box = $('markers-figure');
  box.innerHTML = toSvg(dotplotFigure(d));
  colourButtons(d.genes);
  for (const b of ['markers-svg', 'markers-png', 'markers-csv']) $<HTMLButtonElement>(b).disabled = false;
}

async function plotNow(): Promise<void> {
  if (!state) return;
  const status = $('markers-status');
  const genes = $<HTMLInputElement>('markers-genes').value.split(/[,\s]+/).filter(Boolean);
  if (!genes.length) {
    status.textContent = 'Give at least one gene (or press “Use top markers”).';
    return;
  }
  const labels = groupLabels();
  const groups = groupsFromLabels(labels);
  status.textContent = `Computing the dotplot of ${genes.length} genes over ${groups.names.length} groups …`;
  const t0 = performance.now();
  const seq = ++plotSeq;
  const mine = state;
  try {
    const r = (await call({ type: 'dotplot', file: state.file, names: groups.names, codes: groups.codes, genes, standard_scale: $<HTMLSelectElement>('markers-scale').value as StandardScale })) as Extract<MarkersResponse, { type: 'dotplot' }>;
    if (seq !== plotSeq || state !== mine) return;
    state.dotplot = r.dotplot;
    showFigure(r.dotplot);
    status.textContent = `${r.dotplot.genes.length} genes × ${r.dotplot.groups.length} groups in ${((performance.now() - t0) / 1000).toFixed(2)} s.` + (r.dotplot.warnings.length ? `\n⚠ ${r.dotplot.warnings.join('\n⚠ ')}` : '');
  } catch (e) {
    if (seq === plotSeq) status.textContent = `⚠ ${(e as Error).message}`;
  }
}

function wire(): void {
  $('markers-defaults').addEventListener('click', async () => {
    await defaultGenes();
    await plotNow();
  });
  $('markers-plot').addEventListener('click', plotNow);
  $('markers-groupby').addEventListener('change', plotNow);
  $('markers-scale').addEventListener('change', plotNow);
  const search = $<HTMLInputElement>('markers-search');
  const add = () => {
    const g = search.value.trim();
    if (!g) return;
    const box = $<HTMLInputElement>('markers-genes');
    const list = box.value.split(/[,\s]+/).filter(Boolean);
    if (!list.includes(g)) box.value = [...list, g].join(', ');
    search.value = '';
    plotNow();
  };
  search.addEventListener('keydown', (e) => e.key === 'Enter' && add());
  search.addEventListener('change', () => {
    const opts = $<HTMLDataListElement>('markers-gene-list').options;
    for (let i = 0; i < opts.length; i++) if (opts[i].value === search.value) return add();
  });
  const base = () => `dotplot_${$<HTMLSelectElement>('markers-groupby').value}`;
  $('markers-svg').addEventListener('click', () => state?.dotplot && save(`${base()}.svg`, new Blob([toSvg(dotplotFigure(state.dotplot))], { type: 'image/svg+xml' })));
  $('markers-csv').addEventListener('click', () => state?.dotplot && save(`${base()}.csv`, new Blob([dotplotCsv(state.dotplot)], { type: 'text/csv' })));
  $('markers-png').addEventListener('click', () => {
    if (!state?.dotplot) return;
    const r = rasterize(dotplotFigure(state.dotplot), 2);
    save(`${base()}.png`, new Blob([encodePng(r.width, r.height, r.rgba) as BlobPart], { type: 'image/png' }));
  });
}

/**
 * Shows (or refreshes) the panel for a new annotation result, after `anchor`. The default
 * dotplot (a pass over the whole file) waits for `ready`.
 */
export async function showMarkers(anchor: HTMLElement, input: MarkersInput, ready: Promise<void> = Promise.resolve()): Promise<void> {
  let section = document.getElementById('markers-panel');
  if (!section) {
    section = build();
    anchor.after(section);
    wire();
  }
  state = { ...input, dotplot: null, markers: null };
  const gb = $<HTMLSelectElement>('markers-groupby');
  gb.innerHTML = '';
  gb.add(new Option('predicted labels', 'predicted_labels'));
  if (input.result.majority_voting) gb.add(new Option('majority voting', 'majority_voting', true, true));
  $('markers-figure').innerHTML = '';
  colourButtons([]);
  for (const b of ['markers-svg', 'markers-png', 'markers-csv']) $<HTMLButtonElement>(b).disabled = true;
  if (!/\.h5ad$/i.test(input.file.name)) {
    state = null;
    $('markers-status').textContent = 'The Markers dotplot reads the expression of .h5ad files; convert this input to .h5ad (or use the CLI on it) to plot markers.';
    return;
  }
  const mine = state;
  $('markers-status').textContent = 'The dotplot of the top markers follows the plot.';
  await ready;
  if (state !== mine) return; // a newer run
  try {
    const [genes] = await Promise.all([call({ type: 'genes', file: input.file }), defaultGenes()]);
    const list = $<HTMLDataListElement>('markers-gene-list');
    list.innerHTML = '';
    // A datalist of every gene would be heavy for the browser; the first 40,000 are plenty to search.
    for (const g of (genes as Extract<MarkersResponse, { type: 'genes' }>).genes.slice(0, 40000)) list.append(new Option(g));
    await plotNow();
  } catch (e) {
    $('markers-status').textContent = `⚠ ${(e as Error).message}`;
  }
}
