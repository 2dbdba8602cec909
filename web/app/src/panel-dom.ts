/** Small DOM helpers shared by the page's modules and result panels. */

/** The page's element with this id (the page's own ids: present by construction). */
export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

/** A count as the page writes it (20,000). */
export const fmt = (n: number): string => n.toLocaleString('en-US');

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}): HTMLElementTagNameMap[K] {
  return Object.assign(document.createElement(tag), props);
}

/** Saves a Blob as a download (object URL revoked afterwards). */
export function save(name: string, blob: Blob): void {
  const a = el('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** The blue of a table cell for a share in [0, 1]; at most 60 % strong so that the page's text on it keeps ≥ 4.5:1 contrast. */
export function shadeColor(share: number): string {
  return `rgba(40, 110, 200, ${Math.min(0.6, Math.max(0, share))})`;
}

/** A small table: header row, then rows of cells; numbers get a blue background scaled by `shade`. */
export function table(head: string[], rows: (string | number)[][], shade?: (value: number, row: number) => number): HTMLTableElement {
  const t = el('table', { className: 'ctw-table' });
  const h = t.createTHead().insertRow();
  for (const c of head) h.insertCell().textContent = c;
  const body = t.createTBody();
  rows.forEach((row, r) => {
    const tr = body.insertRow();
    row.forEach((v, c) => {
      const td = tr.insertCell();
      td.textContent = typeof v === 'number' ? v.toLocaleString('en-US') : v;
      if (typeof v === 'number' && shade && c > 0) td.style.background = shadeColor(shade(v, r));
    });
  });
  return t;
}
