/**
 * The legend for many cell types (98+): search, sort by count or name, scrolling inside its own
 * panel, counts and shares, click to highlight (ctrl/shift-click adds to the highlight), an
 * "about" button per type that opens its label card. For a model with a parent level the types
 * are grouped under their parents (legend-groups.ts), each group expanded or collapsed.
 * Keyboard: each type's name is a toggle button (aria-pressed), each group's name an expand
 * button (aria-expanded), and the legend is one tab stop; arrow keys, Home/End and Page Up/Down
 * move between them, Enter or Space highlights (with Ctrl or Shift: adds to the highlight) or
 * expands, Right arrow (or "i") reaches the row's "about" button. The colour is never the only
 * cue: every row names its type and the highlighted ones are pressed buttons in bold.
 */
import { legendGroups, legendRows, type LegendItem, type LegendSort } from './legend-groups.ts';
import { cssColor } from './palette.ts';

export { legendRows, type LegendItem, type LegendSort };

const pct = (count: number, total: number) => (total ? `${((100 * count) / total).toFixed(1)}` : '');
/** The legend's navigable buttons: types and group headers. */
const NAV = 'button.legend-item, button.legend-expand';

export class Legend {
  private items: LegendItem[] = [];
  private total = 0;
  /** The button (type name, or 'group:' + parent) that is the legend's tab stop, kept across re-renders. */
  private current = '';
  /** Parent of each label when the legend groups them (null: a flat list). */
  private parents: Map<string, string> | null = null;
  private readonly expanded = new Set<string>();
  /** Opens a label's card (the "about" buttons); null: no such buttons. */
  onCard: ((name: string, from: HTMLElement) => void) | null = null;

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
      const target = e.target as HTMLElement;
      const card = target.closest<HTMLButtonElement>('button.legend-card');
      if (card) return this.onCard?.(card.dataset.about!, card);
      const expand = target.closest<HTMLButtonElement>('button.legend-expand');
      if (expand) return this.toggleGroup(expand.dataset.group!);
      const tr = target.closest('tr');
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

  /** Moves the keyboard into the legend (its current button, or the search box when it is empty). */
  focus() {
    const b = this.navButtons();
    (b.find((x) => x.tabIndex === 0) ?? b[0] ?? this.search).focus();
  }

  /** Groups the labels under their parents (null: a flat list); groups start collapsed. */
  setHierarchy(parents: Map<string, string> | null) {
    const next = parents && parents.size ? parents : null;
    if (next === this.parents) return;
    this.parents = next;
    this.expanded.clear();
    this.table.dataset.grouped = String(!!this.parents);
    this.render();
  }

  /** Expands or collapses one parent group (the keyboard stays on its button). */
  toggleGroup(name: string, open = !this.expanded.has(name)) {
    if (open) this.expanded.add(name);
    else this.expanded.delete(name);
    const focused = this.table.contains(document.activeElement);
    this.current = `group:${name}`;
    this.render();
    if (focused) this.navButtons().find((b) => b.dataset.group === name)?.focus();
  }

  private navButtons(): HTMLButtonElement[] {
    return Array.from(this.table.tBodies[0].querySelectorAll<HTMLButtonElement>(NAV));
  }

  private toggle(name: string, additive: boolean) {
    const focused = this.table.contains(document.activeElement);
    this.onToggle(name, additive);
    // The page re-rendered the rows: keep the keyboard where it was.
    if (focused) this.navButtons().find((b) => b.dataset.label === name)?.focus();
  }

  private key(e: KeyboardEvent) {
    const target = e.target as HTMLElement;
    if (target.classList.contains('legend-card')) {
      if (e.key === 'ArrowLeft') target.closest('tr')?.querySelector<HTMLElement>(NAV)?.focus();
      return;
    }
    const buttons = this.navButtons();
    const at = buttons.indexOf(target as HTMLButtonElement);
    if (at < 0) return;
    const b = buttons[at];
    if (e.key === 'ArrowRight' || e.key === 'i') {
      const card = b.closest('tr')?.querySelector<HTMLElement>('button.legend-card');
      if (!card) return;
      e.preventDefault();
      if (e.key === 'i') card.click();
      else card.focus();
      return;
    }
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault(); // no click as well
      if (b.dataset.group !== undefined) this.toggleGroup(b.dataset.group);
      else this.toggle(b.dataset.label!, e.ctrlKey || e.metaKey || e.shiftKey);
      return;
    }
    const page = Math.max(1, Math.floor((this.table.parentElement?.clientHeight ?? 200) / 22) - 1);
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1, PageDown: at + page, PageUp: at - page }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = buttons[Math.max(0, Math.min(buttons.length - 1, to))];
    b.tabIndex = -1;
    next.tabIndex = 0;
    this.current = next.dataset.group !== undefined ? `group:${next.dataset.group}` : next.dataset.label!;
    next.focus();
  }

  /** The card button beside a row's name; the cell keeps both on one line (CSS: td.with-card). */
  private addCard(cell: HTMLTableCellElement, name: string): void {
    cell.classList.add('with-card');
    cell.append(this.cardButton(name));
  }

  private cardButton(name: string): HTMLButtonElement {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'legend-card';
    b.dataset.about = name;
    b.tabIndex = -1; // reached with the Right arrow from its row
    b.textContent = 'i';
    b.setAttribute('aria-label', `about ${name}`);
    b.title = `about ${name}: parent type, Cell Ontology, markers (key: i)`;
    return b;
  }

  private itemRow(it: LegendItem, hl: Set<string>, child: boolean): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.dataset.label = it.name;
    if (child) tr.classList.add('legend-child');
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
    const cell = tr.insertCell();
    cell.append(name);
    if (this.onCard) this.addCard(cell, it.name);
    tr.insertCell().textContent = it.count.toLocaleString('en-US');
    tr.insertCell().textContent = pct(it.count, this.total);
    tr.title = 'click to highlight; ctrl/shift-click to add';
    return tr;
  }

  private groupRow(name: string, count: number, types: number, open: boolean): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.className = 'legend-group';
    tr.dataset.group = name;
    tr.insertCell();
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'legend-expand';
    b.dataset.group = name;
    b.setAttribute('aria-expanded', String(open));
    b.tabIndex = this.current === `group:${name}` ? 0 : -1;
    b.textContent = `${open ? '▾' : '▸'} ${name}`;
    b.title = `${open ? 'collapse' : 'expand'} ${name} (${types} type${types === 1 ? '' : 's'})`;
    const cell = tr.insertCell();
    cell.append(b);
    if (this.onCard) this.addCard(cell, name);
    tr.insertCell().textContent = count.toLocaleString('en-US');
    tr.insertCell().textContent = pct(count, this.total);
    return tr;
  }

  render() {
    const tbody = this.table.tBodies[0];
    tbody.innerHTML = '';
    const q = this.search.value.trim();
    const sort = this.sort.value as LegendSort;
    const hl = this.highlighted();
    const frag = document.createDocumentFragment();
    let shown = 0;
    let groups = 0;
    if (this.parents) {
      const list = legendGroups(this.items, this.parents, q, sort);
      groups = list.length;
      for (const g of list) {
        // A search shows the matching types inside their groups.
        const open = !!q || this.expanded.has(g.name);
        frag.append(this.groupRow(g.name, g.count, g.items.length, open));
        if (open) for (const it of g.items) frag.append(this.itemRow(it, hl, true));
        shown += g.items.length;
      }
    } else {
      const rows = legendRows(this.items, q, sort);
      for (const it of rows) frag.append(this.itemRow(it, hl, false));
      shown = rows.length;
    }
    tbody.append(frag);
    // One tab stop: the current button, else the first.
    const nav = this.navButtons();
    if (nav.length && !nav.some((b) => b.tabIndex === 0)) {
      nav[0].tabIndex = 0;
      this.current = nav[0].dataset.group !== undefined ? `group:${nav[0].dataset.group}` : nav[0].dataset.label!;
    }
    this.countBox.textContent =
      `${this.items.length.toLocaleString('en-US')} cell types` +
      (this.parents ? ` in ${groups} parent groups` : '') +
      (q ? ` · ${shown.toLocaleString('en-US')} match “${q}”` : '') +
      (hl.size ? ` · ${hl.size} highlighted (click again to clear)` : '');
  }
}
