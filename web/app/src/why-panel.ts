/**
 * "Why this label": hovering a cell in the plot (or typing its id) shows the genes that push its
 * best-scoring label's decision score up the most (coefficient × scaled expression, from the
 * core), computed in the Markers worker from that one row of the file.
 */
import { contributionsFigure } from '../../engine/figure/contributions-figure.ts';
import { toSvg } from '../../engine/figure/svg.ts';
import type { PanelResult } from './panel-result.ts';
import { callMarkers } from './markers-client.ts';
import type { MarkersResponse } from './markers-protocol.ts';
import { el } from './panel-dom.ts';

export interface WhyInput {
  file: File;
  result: PanelResult;
  model: Uint8Array;
  normalize_counts: boolean;
}

let input: WhyInput | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let shown = -1;
let index: Map<string, number> | null = null;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function build(): HTMLElement {
  const s = el('section', { id: 'why-panel', className: 'panel ctw-panel' });
  s.innerHTML = `<h2>Why this label</h2>
    <div class="ctw-row">Hover a cell in the plot, or give its id: <input id="why-cell" type="search" placeholder="cell id" spellcheck="false" /></div>
    <div id="why-status" class="summary" role="status"></div>
    <div id="why-figure" class="ctw-figure"></div>`;
  return s;
}

async function explain(cell: number): Promise<void> {
  if (!input || cell === shown) return;
  shown = cell;
  const status = $('why-status');
  try {
    const r = (await callMarkers({ type: 'explain', file: input.file, model: input.model, cell, normalize_counts: input.normalize_counts })) as Extract<MarkersResponse, { type: 'explain' }>;
    if (shown !== cell) return;
    const x = r.explanation;
    const id = input.result.cell_ids[cell];
    $('why-figure').innerHTML = toSvg(contributionsFigure(x, id));
    status.textContent = x.label === input.result.predicted_labels[cell] ? '' : `(predicted label: ${input.result.predicted_labels[cell]}; shown: the best-scoring cell type)`;
    $('why-panel').dataset.cell = String(cell);
  } catch (e) {
    status.textContent = `⚠ ${(e as Error).message}`;
  }
}

/** Called by the plot's hover: explains cell `i` after a short pause (no request per pixel). */
export function whyHover(i: number): void {
  if (i < 0 || !input) return;
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => explain(i), 150);
}

/** Shows the panel for a new result, after `anchor`; the first explanation waits for `ready`. */
export function showWhy(anchor: HTMLElement, inp: WhyInput, ready: Promise<void> = Promise.resolve()): void {
  let section = document.getElementById('why-panel');
  if (!section) {
    section = build();
    anchor.after(section);
    $('why-cell').addEventListener('change', () => {
      const id = $<HTMLInputElement>('why-cell').value.trim();
      index ??= new Map(input!.result.cell_ids.map((c, i) => [c, i]));
      const i = index.get(id);
      $('why-status').textContent = i === undefined ? `⚠ no cell '${id}' in this file` : '';
      if (i !== undefined) {
        shown = -1; // typed on purpose: show it even if it is the cell on display
        explain(i);
      }
    });
  }
  input = inp;
  index = null;
  shown = -1;
  $('why-figure').innerHTML = '';
  $('why-status').textContent = '';
  if (!/\.h5ad$/i.test(inp.file.name)) {
    input = null;
    $('why-status').textContent = 'Explanations read the cells of .h5ad files; this input is another format.';
    return;
  }
  void ready.then(() => {
    if (input === inp) void explain(0);
  });
}
