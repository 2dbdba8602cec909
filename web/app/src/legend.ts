/**
 * The legend for many cell types (98+): search, sort by count or name, scrolling inside its own
 * panel, counts and shares, click to highlight (ctrl/shift-click adds to the highlight).
 */
import { cssColor } from './palette.ts';

export interface LegendItem {
  name: string;
  count: number;
  color: [number, number, number];
}

export type LegendSort = 'count' | 'name';

/** Items matching the query (case-insensitive substring), in the asked order. */
export function legendRows(items: LegendItem[], query: string, sort: LegendSort): LegendItem[] {
  const q = query.trim().toLowerCase();
  const rows = q ? items.filter((it) => it.name.toLowerCase().includes(q)) : items.slice();
  if (sort === 'name') rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  else rows.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
  return rows;
}

export class Legend {
  private items: LegendItem[] = [];
  private total = 0;

  constructor(
    private readonly table: HTMLTableElement,
    private readonly search: HTMLInputElement,
    private readonly sort: HTMLSelectElement,
    private readonly countBox: HTMLElement,
    /** The highlighted labels (empty: none); the legend asks the page to change them. */
    private readonly highlighted: () => Set<string>,
    private readonly onToggle: (name: string, additive: boolean) => void,
  ) {
    search.addEventListener('input', () => this.render());
    sort.addEventListener('change', () => this.render());
  }

  set(items: LegendItem[]) {
    this.items = items;
    this.total = items.reduce((a, it) => a + it.count, 0);
    this.render();
  }

  render() {
    const tbody = this.table.tBodies[0];
    tbody.innerHTML = '';
    const rows = legendRows(this.items, this.search.value, this.sort.value as LegendSort);
    const hl = this.highlighted();
    const frag = document.createDocumentFragment();
    for (const it of rows) {
      const tr = document.createElement('tr');
      tr.dataset.label = it.name;
      if (hl.size > 0 && !hl.has(it.name)) tr.classList.add('dim');
      if (hl.has(it.name)) tr.classList.add('on');
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = cssColor(it.color);
      tr.insertCell().append(sw);
      tr.insertCell().textContent = it.name;
      tr.insertCell().textContent = it.count.toLocaleString('en-US');
      tr.insertCell().textContent = this.total ? `${((100 * it.count) / this.total).toFixed(1)}` : '';
      tr.title = 'click to highlight; ctrl/shift-click to add';
      tr.tabIndex = 0;
      tr.addEventListener('click', (e) => this.onToggle(it.name, e.ctrlKey || e.metaKey || e.shiftKey));
      tr.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        this.onToggle(it.name, e.ctrlKey || e.metaKey || e.shiftKey);
      });
      frag.append(tr);
    }
    tbody.append(frag);
    const q = this.search.value.trim();
    this.countBox.textContent =
      `${this.items.length.toLocaleString('en-US')} cell types` +
      (q ? ` · ${rows.length.toLocaleString('en-US')} match “${q}”` : '') +
      (hl.size ? ` · ${hl.size} highlighted (click again to clear)` : '');
  }
}
