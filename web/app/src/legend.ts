/**
 * The legend for many cell types (98+): search, sort by count or name, scrolling inside its own
 * panel, counts and shares, click to highlight (ctrl/shift-click adds to the highlight).
 * Keyboard: each type's name is a toggle button (aria-pressed) and the legend is one tab stop;
 * arrow keys, Home/End and Page Up/Down move between types, Enter or Space highlights
 * (with Ctrl or Shift: adds to the highlight). The colour is never the only cue: every row names
 * its type and the highlighted ones are pressed buttons in bold.
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
  /** The type whose button is the legend's tab stop (kept across re-renders). */
  private current = '';

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
    const body = table.tBodies[0];
    body.addEventListener('click', (e) => {
      const tr = (e.target as HTMLElement).closest('tr');
      if (!tr?.dataset.label) return;
      this.current = tr.dataset.label;
      this.toggle(tr.dataset.label, e.ctrlKey || e.metaKey || e.shiftKey);
    });
    body.addEventListener('keydown', (e) => this.key(e));
  }

  set(items: LegendItem[]) {
    this.items = items;
    this.total = items.reduce((a, it) => a + it.count, 0);
    if (!items.some((it) => it.name === this.current)) this.current = '';
    this.render();
  }

  private buttons(): HTMLButtonElement[] {
    return Array.from(this.table.tBodies[0].querySelectorAll<HTMLButtonElement>('button.legend-item'));
  }

  private toggle(name: string, additive: boolean) {
    const focused = this.table.contains(document.activeElement);
    this.onToggle(name, additive);
    // The page re-rendered the rows: keep the keyboard where it was.
    if (focused) this.buttons().find((b) => b.dataset.label === name)?.focus();
  }

  private key(e: KeyboardEvent) {
    const buttons = this.buttons();
    const at = buttons.indexOf(e.target as HTMLButtonElement);
    if (at < 0) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault(); // no click as well
      this.toggle(buttons[at].dataset.label!, e.ctrlKey || e.metaKey || e.shiftKey);
      return;
    }
    const page = Math.max(1, Math.floor((this.table.parentElement?.clientHeight ?? 200) / 22) - 1);
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1, PageDown: at + page, PageUp: at - page }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = buttons[Math.max(0, Math.min(buttons.length - 1, to))];
    buttons[at].tabIndex = -1;
    next.tabIndex = 0;
    this.current = next.dataset.label!;
    next.focus();
  }

  render() {
    const tbody = this.table.tBodies[0];
    tbody.innerHTML = '';
    const rows = legendRows(this.items, this.search.value, this.sort.value as LegendSort);
    const hl = this.highlighted();
    if (!rows.some((it) => it.name === this.current)) this.current = rows[0]?.name ?? '';
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
      const name = document.createElement('button');
      name.type = 'button';
      name.className = 'legend-item';
      name.dataset.label = it.name;
      name.textContent = it.name;
      name.tabIndex = it.name === this.current ? 0 : -1;
      name.setAttribute('aria-pressed', String(hl.has(it.name)));
      tr.insertCell().append(name);
      tr.insertCell().textContent = it.count.toLocaleString('en-US');
      tr.insertCell().textContent = this.total ? `${((100 * it.count) / this.total).toFixed(1)}` : '';
      tr.title = 'click to highlight; ctrl/shift-click to add';
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
