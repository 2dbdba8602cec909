/**
 * The app's steps as the cross-browser tests take them (drivers.ts pages: Chromium, Firefox,
 * WebKitGTK): open, wait for the engine, fill the form, annotate, read the legend, count the
 * plot's drawn pixels. Form fields are set in the page with the events a user's input fires.
 */
import assert from 'node:assert/strict';
import type { BPage } from './drivers.ts';
import { plotColouredPixels } from './plot-pixels.ts';

/** Opens the app and waits until the engine reports its build. */
export async function openApp(p: BPage, url: string): Promise<void> {
  await p.goto(url);
  await p.waitFor(() => document.getElementById('engine-status')?.textContent !== '', null, 60_000);
}

/** Sets a select/input's value (or a checkbox's state) and fires input + change. */
export async function setField(p: BPage, selector: string, value: string | boolean): Promise<void> {
  const ok = await p.eval(
    ([sel, v]) => {
      const el = document.querySelector(sel) as HTMLInputElement | HTMLSelectElement | null;
      if (!el) return false;
      if (typeof v === 'boolean') (el as HTMLInputElement).checked = v;
      else el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return true;
    },
    [selector, value] as [string, string | boolean],
  );
  assert.ok(ok, `${p.browser}: no ${selector}`);
}

export const text = (p: BPage, selector: string) => p.eval((sel) => document.querySelector(sel)?.textContent ?? '', selector);

/** Waits until Annotate is enabled (data and model ready), with no error shown. */
export async function waitRunnable(p: BPage, timeout = 60_000): Promise<void> {
  await p.waitFor(() => !(document.getElementById('run') as HTMLButtonElement).disabled || document.getElementById('error')!.textContent !== '', null, timeout);
  assert.equal(await text(p, '#error'), '');
}

/** Clicks Annotate and waits for the results (an error fails). */
export async function runAndWait(p: BPage, timeout = 180_000): Promise<void> {
  await p.eval(() => delete document.body.dataset.state);
  await p.click('#run');
  await p.waitFor(() => document.body.dataset.state === 'results' || document.getElementById('error')!.textContent !== '', null, timeout);
  assert.equal(await text(p, '#error'), '');
}

/** The legend's rows: label → count as shown. */
export function legendCounts(p: BPage): Promise<Record<string, number>> {
  return p.eval(() =>
    Object.fromEntries(
      Array.from(document.querySelectorAll('#legend tbody tr'), (tr) => [(tr as HTMLElement).dataset.label!, Number(tr.children[2].textContent!.replace(/,/g, ''))]),
    ),
  );
}

/** Plot pixels that are neither background nor empty (whatever draws the plot: WebGL or 2D). */
export function coloredPixels(p: BPage): Promise<number> {
  return p.eval(plotColouredPixels);
}

/** Waits until the plot shows points (a computed layout may come after the results). */
export async function waitPlotted(p: BPage, minPixels: number, timeout = 180_000): Promise<number> {
  await p.waitFor(() => document.body.dataset.plot === 'ready' || document.body.dataset.plot === 'failed', null, timeout);
  assert.equal(await p.eval(() => document.body.dataset.plot ?? ''), 'ready', await text(p, '#plot-text'));
  const end = Date.now() + 10_000;
  let n = 0;
  // The first frame follows the data by a frame or two.
  while ((n = await coloredPixels(p)) < minPixels && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
  assert.ok(n >= minPixels, `${p.browser}: the plot looks blank (${n} coloured pixels)`);
  return n;
}

/** Waits until no export runs; returns the export status line. */
export async function exportIdle(p: BPage, timeout = 180_000): Promise<string> {
  await p.waitFor(() => document.getElementById('export-status')?.dataset.state !== 'running', null, timeout);
  return text(p, '#export-text');
}

/**
 * Strongly coloured plot pixels (a palette colour, not grey or white), and the centre (CSS px) of
 * one solid 5 × 5 block of them: a cell to hover.
 */
export function plotColours(p: BPage): Promise<{ saturated: number; point: [number, number] | null }> {
  return p.eval(() => {
    const src = document.querySelector('#plot canvas') as HTMLCanvasElement;
    const c = document.createElement('canvas');
    c.width = src.width;
    c.height = src.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(src, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const sat = (i: number) => d[i + 3] > 200 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60;
    let saturated = 0;
    let point: [number, number] | null = null;
    const scale = src.width / src.clientWidth;
    for (let y = 2; y < c.height - 2; y++) {
      for (let x = 2; x < c.width - 2; x++) {
        if (!sat((y * c.width + x) * 4)) continue;
        saturated++;
        if (point) continue;
        let solid = true;
        for (let dy = -2; dy <= 2 && solid; dy++) for (let dx = -2; dx <= 2 && solid; dx++) solid = sat(((y + dy) * c.width + x + dx) * 4);
        if (solid) point = [x / scale, y / scale];
      }
    }
    return { saturated, point };
  });
}

/** Hovers a drawn cell; returns the tooltip's text (which names the cell). */
export async function hoverCell(p: BPage): Promise<string> {
  const { point } = await plotColours(p);
  assert.ok(point, `${p.browser}: no solid cell to hover in the plot`);
  await p.hover('#plot', point[0], point[1]);
  await p.waitFor(() => !document.getElementById('tooltip')!.hidden, null, 10_000);
  return text(p, '#tooltip');
}

/**
 * Waits until the plot shows fewer strongly coloured pixels than `all` (a legend type highlighted:
 * the others greyed out) but some (the highlighted type's); the frame follows the click shortly.
 */
export async function waitHighlighted(p: BPage, all: number, timeout = 20_000): Promise<number> {
  const end = Date.now() + timeout;
  let one = await plotColours(p);
  while (!(one.saturated > 0 && one.saturated < all * 0.6) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    one = await plotColours(p);
  }
  assert.ok(one.saturated > 0 && one.saturated < all * 0.6, `${p.browser}: highlight left ${one.saturated} of ${all} coloured pixels`);
  return one.saturated;
}
