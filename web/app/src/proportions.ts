/**
 * Cell-type proportions per group (e.g. per sample) for many types: counted from label codes,
 * shown as one stacked bar per group or as a long table (group, cell type, cells, %), both
 * scrolling inside their own box so the page never grows sideways.
 */
import type { Categorical } from '../../engine/worker/compact.ts';
import { cssColor } from './palette.ts';

export interface ProportionRow {
  group: string;
  total: number;
  /** Per label (indexed like the label categories) count. */
  counts: Uint32Array;
}

/** Counts of each label category within each group category (groups in name order). */
export function proportionRows(labels: Categorical, groups: Categorical | null): ProportionRow[] {
  const K = labels.categories.length;
  const G = groups ? groups.categories.length : 1;
  const counts = new Uint32Array(G * K);
  const n = labels.codes.length;
  for (let i = 0; i < n; i++) counts[(groups ? groups.codes[i] : 0) * K + labels.codes[i]]++;
  const rows: ProportionRow[] = [];
  for (let g = 0; g < G; g++) {
    const c = counts.subarray(g * K, (g + 1) * K);
    const total = c.reduce((a, b) => a + b, 0);
    if (total > 0) rows.push({ group: groups ? groups.categories[g] : 'all cells', total, counts: c });
  }
  return rows.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
}

const pct = (x: number, total: number) => `${((100 * x) / total).toFixed(1)}%`;

/** One stacked bar per group; segments in the legend's colours, largest first. */
export function renderBars(box: HTMLElement, rows: ProportionRow[], names: string[], colorOf: (k: number) => [number, number, number], highlighted: Set<string>) {
  box.innerHTML = '';
  const frag = document.createDocumentFragment();
  for (const r of rows) {
    const line = document.createElement('div');
    line.className = 'prop-row';
    line.dataset.group = r.group;
    const label = document.createElement('span');
    label.className = 'prop-label';
    label.textContent = r.group;
    label.title = `${r.group}: ${r.total.toLocaleString('en-US')} cells`;
    const bar = document.createElement('span');
    bar.className = 'prop-bar';
    const order = Array.from(r.counts.keys()).filter((k) => r.counts[k] > 0).sort((a, b) => r.counts[b] - r.counts[a]);
    for (const k of order) {
      const seg = document.createElement('span');
      seg.style.width = `${(100 * r.counts[k]) / r.total}%`;
      seg.style.background = cssColor(colorOf(k));
      if (highlighted.size && !highlighted.has(names[k])) seg.style.opacity = '0.2';
      seg.title = `${names[k]}: ${r.counts[k].toLocaleString('en-US')} cells (${pct(r.counts[k], r.total)})`;
      bar.append(seg);
    }
    // The segments differ only by colour: the bar's text alternative names the largest shares.
    bar.setAttribute('role', 'img');
    const top = order.slice(0, 5).map((k) => `${names[k]} ${pct(r.counts[k], r.total)}`);
    bar.setAttribute('aria-label', `${r.group}: ${top.join(', ')}${order.length > 5 ? `, and ${order.length - 5} more types (the table view lists them all)` : ''}`);
    const total = document.createElement('span');
    total.className = 'prop-total';
    total.textContent = r.total.toLocaleString('en-US');
    line.append(label, bar, total);
    frag.append(line);
  }
  box.append(frag);
}

/** Long table: one row per (group, cell type) present, largest share first within a group. */
export function renderTable(table: HTMLTableElement, rows: ProportionRow[], names: string[], column: string) {
  table.innerHTML = '';
  const head = table.createTHead().insertRow();
  for (const h of [column || 'group', 'cell type', 'cells', '%']) head.insertCell().textContent = h;
  const body = table.createTBody();
  for (const r of rows) {
    const order = Array.from(r.counts.keys()).filter((k) => r.counts[k] > 0).sort((a, b) => r.counts[b] - r.counts[a]);
    for (const k of order) {
      const tr = body.insertRow();
      tr.dataset.group = r.group;
      tr.insertCell().textContent = r.group;
      // The type's name opens its card (results-view.ts).
      const about = document.createElement('button');
      about.type = 'button';
      about.className = 'prop-about';
      about.dataset.about = names[k];
      about.textContent = names[k];
      about.title = `about ${names[k]}`;
      tr.insertCell().append(about);
      tr.insertCell().textContent = r.counts[k].toLocaleString('en-US');
      tr.insertCell().textContent = pct(r.counts[k], r.total);
    }
  }
}
