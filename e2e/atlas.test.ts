// End-to-end: the app at atlas scale (issue 13) on the production build in Chromium. A 98-type
// model (../shared/bench/bench98.pkl) on a small synthetic file without an embedding: results
// come before the UMAP, the page never scrolls sideways, the legend is searchable, proportions
// and cross-tabs stay in their own boxes, lasso/box selection exports the chosen cells, and the
// fault paths (cancel, a new file while running, run again, cancel the UMAP) leave the page
// consistent with the previous run's worker (and its memory) gone.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import type { Page, Worker } from 'playwright-core';
import { makeSynthetic } from '../scripts/make-synthetic-h5ad.ts';
import { parseCsv, repoPath, sharedPath } from '../web/engine/testing/fixtures.ts';
import { coloredPixels, downloadText, runAndWait, useHarness, waitRunnable } from './support/harness.ts';

const h = useHarness();
const MODEL98 = sharedPath('bench/bench98.pkl');
const OUT = repoPath('e2e/out/atlas');
const SMALL = `${OUT}/atlas_3k.h5ad`;
const OTHER = `${OUT}/atlas_2k.h5ad`;
// More rows than one chunk (4,096): the browser's pipelined scoring (a chunk scored in the
// background while the next is read) and its one-copy row reads.
const MULTI = `${OUT}/atlas_9k.h5ad`;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  // Deterministic synthetic files with bench98's genes: 30 structured groups, three samples.
  if (!existsSync(SMALL)) await makeSynthetic({ out: SMALL, cells: 3000, genes: 8000, density: 0.06, types: 30, model: MODEL98, seed: 5 });
  if (!existsSync(OTHER)) await makeSynthetic({ out: OTHER, cells: 2000, genes: 8000, density: 0.06, types: 30, model: MODEL98, seed: 6 });
  if (!existsSync(MULTI)) await makeSynthetic({ out: MULTI, cells: 9000, genes: 8000, density: 0.02, types: 30, model: MODEL98, seed: 7 });
});

/** Closes a page and waits until the harness has closed its context (no close racing the browser's). */
async function closePage(page: Page) {
  const closed = page.context().waitForEvent('close', { timeout: 10000 }).catch(() => {});
  await page.close();
  await closed;
}

/** Records (data-state | data-plot) of <body> at each change, to check what came first. */
async function recordStates(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __states: string[] };
    w.__states = [];
    new MutationObserver(() => w.__states.push(`${document.body.dataset.state ?? ''}|${document.body.dataset.plot ?? ''}`)).observe(document.body, { attributes: true, attributeFilter: ['data-state', 'data-plot'] });
  });
}
const states = (page: Page) => page.evaluate(() => (window as unknown as { __states: string[] }).__states);

async function load98(page: Page, file = SMALL) {
  await page.setInputFiles('#model-file', MODEL98);
  await page.waitForFunction(() => /98 cell types/.test(document.getElementById('model-summary')!.textContent!), null, { timeout: 30000 });
  await page.setInputFiles('#data-file', file);
  await waitRunnable(page);
}

/** The real pbmc68k file (it has its own X_umap) with its bulk model. */
async function loadPbmc68k(page: Page) {
  await page.setInputFiles('#model-file', sharedPath('fixtures/models/pbmc68k_bulk.pkl'));
  await page.setInputFiles('#data-file', sharedPath('fixtures/real/pbmc68k_reduced.h5ad'));
  await waitRunnable(page);
}

const waitPlot = (page: Page) => page.waitForFunction(() => document.body.dataset.plot === 'ready' || document.getElementById('error')!.textContent !== '', null, { timeout: 90000 });

async function noSidewaysScroll(page: Page, label: string) {
  const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth, body: document.body.scrollWidth }));
  assert.ok(m.scroll <= m.inner && m.body <= m.inner, `${label}: page is ${m.scroll} px wide in a ${m.inner} px window`);
}

/** The engine workers (not the pthread pool) the page starts, with whether each has closed (reloads the page to see the first). */
async function trackEngineWorkers(page: Page) {
  const all: { w: Worker; closed: boolean }[] = [];
  const track = (w: Worker) => {
    if (!/\/assets\/worker-/.test(w.url()) || all.some((e) => e.w === w)) return;
    const e = { w, closed: false };
    w.on('close', () => (e.closed = true));
    all.push(e);
  };
  page.on('worker', track);
  await page.reload();
  await page.waitForSelector('#engine-status:not(:empty)', { timeout: 30000 });
  assert.equal(all.length, 1, 'the engine worker of the page');
  return all;
}

/**
 * Engine workers alive in the browser right now, asked of Chromium itself (DevTools targets):
 * Playwright's worker 'close' event can be missed for a worker terminated while it starts.
 */
async function liveEngineWorkers(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { type: string; url: string }[] };
    return targetInfos.filter((t) => t.type === 'worker' && /\/assets\/worker-/.test(t.url)).length;
  } finally {
    await cdp.detach();
  }
}

describe('app at atlas scale: 98 cell types', () => {
  it('a file of several chunks gets the same labels and confidence as the Node engine', async () => {
    const page = await h.openApp();
    await load98(page, MULTI);
    await runAndWait(page);
    assert.match((await page.textContent('#result-summary'))!, /9,000 cells annotated with 98 cell types/);
    const got = parseCsv(await downloadText(page, '#dl-labels'));
    const { annotate } = await import('../web/engine/node.ts');
    const want = await annotate(MULTI, MODEL98, { variant: 'simd', return_matrices: false });
    assert.deepEqual(got.index, want.cell_ids);
    assert.deepEqual(got.rows.map((r) => r[0]), want.predicted_labels);
    // conf_score exactly (the labels export takes float64 conf from its own scoring pass).
    assert.deepEqual(got.rows.map((r) => Number(r[1])), Array.from(want.conf_score));
    await closePage(page);
  });

  it('results first, then the UMAP; legend search/sort/highlight; proportions; no sideways scroll at 1000-1400 px', async () => {
    const page = await h.openApp(undefined, { width: 1000, height: 900 });
    await load98(page);
    await recordStates(page);
    await runAndWait(page);
    // The results showed while the UMAP was still to be computed (the file has no embedding).
    assert.equal((await states(page)).find((s) => s.startsWith('results|')), 'results|computing');
    assert.match((await page.textContent('#result-summary'))!, /3,000 cells annotated with 98 cell types/);
    const labels = parseCsv(await downloadText(page, '#dl-labels'));
    assert.equal(labels.index.length, 3000);
    const types = new Set(labels.rows.map((r) => r[0]));
    await waitPlot(page);
    assert.equal(await page.textContent('#error'), '');
    assert.ok((await coloredPixels(page)) > 500, 'the computed UMAP is drawn');
    // Legend: every predicted type with its count, sorted by count by default.
    const rows = await page.$$eval('#legend tbody tr', (trs) => trs.map((t) => [(t as HTMLElement).dataset.label!, Number(t.children[2].textContent!.replace(/,/g, ''))] as [string, number]));
    assert.equal(rows.length, types.size);
    assert.equal(rows.reduce((a, r) => a + r[1], 0), 3000);
    assert.deepEqual(rows.map((r) => r[1]), [...rows.map((r) => r[1])].sort((a, b) => b - a));
    // The legend scrolls inside its panel (98 types do not stretch the page).
    const legendBox = await page.$eval('#legend-scroll', (e) => ({ client: e.clientHeight, scroll: e.scrollHeight }));
    if (rows.length > 30) assert.ok(legendBox.scroll > legendBox.client, JSON.stringify(legendBox));
    // Search filters the rows; sort by name orders them.
    await page.fill('#legend-search', 'cell type 2');
    const found = await page.$$eval('#legend tbody tr', (trs) => trs.map((t) => (t as HTMLElement).dataset.label!));
    assert.ok(found.length > 0 && found.every((l) => /cell type 2/i.test(l)), found.join(', '));
    assert.deepEqual(found, rows.map((r) => r[0]).filter((l) => /cell type 2/i.test(l)));
    assert.match((await page.textContent('#legend-count'))!, new RegExp(`${found.length} match`));
    await page.fill('#legend-search', '');
    await page.selectOption('#legend-sort', 'name');
    const byName = await page.$$eval('#legend tbody tr', (trs) => trs.map((t) => (t as HTMLElement).dataset.label!));
    assert.deepEqual(byName, [...byName].sort());
    // Click to highlight one type: the others dim (legend and plot).
    const before = await coloredPixels(page);
    await page.click(`#legend tbody tr[data-label="${byName[0]}"] button.legend-item`);
    assert.equal(await page.locator('#legend tbody tr.dim').count(), byName.length - 1);
    await page.waitForTimeout(300);
    assert.ok((await coloredPixels(page)) < before, 'other types are dimmed in the plot');
    await page.click(`#legend tbody tr[data-label="${byName[0]}"] button.legend-item`);
    assert.equal(await page.locator('#legend tbody tr.dim').count(), 0);
    // Proportions per sample: stacked bars (one per sample) and the long table, in their own box.
    await page.selectOption('#group-by', 'sample');
    assert.deepEqual(await page.$$eval('.prop-row', (r) => r.map((e) => (e as HTMLElement).dataset.group)), ['S1', 'S2', 'S3']);
    await page.selectOption('#proportions-view', 'table');
    const long = await page.$$eval('#proportions tbody tr', (trs) => trs.map((t) => Array.from(t.querySelectorAll('td'), (c) => c.textContent!)));
    for (const s of ['S1', 'S2', 'S3']) {
      const mine = long.filter((r) => r[0] === s);
      assert.equal(mine.reduce((a, r) => a + Number(r[2].replace(/,/g, '')), 0), 1000);
      assert.ok(Math.abs(mine.reduce((a, r) => a + parseFloat(r[3]), 0) - 100) < 1);
    }
    const wrap = await page.$eval('#proportions-wrap', (e) => ({ sw: e.scrollWidth, cw: e.clientWidth, sh: e.scrollHeight, ch: e.clientHeight }));
    assert.ok(wrap.sw <= wrap.cw, `proportions scroll sideways: ${JSON.stringify(wrap)}`);
    assert.ok(wrap.sh > wrap.ch, 'the long table scrolls inside its box');
    // No sideways scroll at 1000, 1200 and 1400 px, also with the colour-blind palette.
    await page.check('#palette-colorblind');
    for (const width of [1000, 1200, 1400]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(200);
      await noSidewaysScroll(page, `${width} px`);
      await page.screenshot({ path: `${OUT}/atlas-${width}.png`, fullPage: true }).catch(() => {});
    }
    await closePage(page);
  });

  it("a file's own embedding is plotted together with the results", async () => {
    const page = await h.openApp();
    await loadPbmc68k(page);
    assert.equal(await page.inputValue('#embedding'), 'X_umap');
    await recordStates(page);
    await runAndWait(page);
    assert.equal((await states(page)).find((s) => s.startsWith('results|')), 'results|ready');
    await page.waitForTimeout(300);
    assert.ok((await coloredPixels(page)) > 500);
    await closePage(page);
  });

  it('box selection exports the selected cells; hovering a cell shows it (GPU picking)', async () => {
    const page = await h.openApp();
    await loadPbmc68k(page);
    await runAndWait(page);
    await page.waitForTimeout(300);
    await page.locator('#plot').scrollIntoViewIfNeeded();
    let box = (await page.locator('#plot').boundingBox())!;
    // Hover: sweep the plot until a cell is under the pointer.
    let tip = '';
    for (let k = 0; k < 200 && !tip; k++) {
      await page.mouse.move(box.x + box.width * (0.2 + 0.6 * ((k % 20) / 19)), box.y + box.height * (0.2 + 0.6 * (Math.floor(k / 20) / 9)));
      if (!(await page.locator('#tooltip').isHidden())) tip = (await page.textContent('#tooltip'))!;
    }
    assert.match(tip, /confidence 0\.\d{3}/);
    // Box: drag over the whole plot selects every cell; then a smaller box fewer.
    await page.check('#tool-box');
    await page.locator('#plot').scrollIntoViewIfNeeded();
    box = (await page.locator('#plot').boundingBox())!;
    const drag = async (x0: number, y0: number, x1: number, y1: number) => {
      await page.mouse.move(box.x + box.width * x0, box.y + box.height * y0);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * ((x0 + x1) / 2), box.y + box.height * ((y0 + y1) / 2), { steps: 3 });
      await page.mouse.move(box.x + box.width * x1, box.y + box.height * y1, { steps: 3 });
      await page.mouse.up();
      return Number(await page.evaluate(() => document.body.dataset.selected));
    };
    assert.equal(await drag(0.01, 0.01, 0.99, 0.99), 700);
    const some = await drag(0.3, 0.3, 0.7, 0.7);
    assert.ok(some > 0 && some < 700, `${some} cells selected`);
    assert.match((await page.textContent('#selection-summary'))!, new RegExp(`^${some.toLocaleString('en-US')} cells selected: `));
    const csv = parseCsv(await downloadText(page, '#dl-selection'));
    assert.deepEqual(csv.header, ['predicted_labels', 'conf_score', 'X_umap1', 'X_umap2']);
    assert.equal(csv.index.length, some);
    // Lasso: a triangle inside the same region (its lower left, where pbmc68k's X_umap has cells
    // in the plot's fitted view) selects a subset of it.
    await page.check('#tool-lasso');
    const tri = await (async () => {
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.7, { steps: 4 });
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.7, { steps: 4 });
      await page.mouse.up();
      return Number(await page.evaluate(() => document.body.dataset.selected));
    })();
    assert.ok(tri > 0 && tri < some, `lasso ${tri} vs box ${some}`);
    await page.click('#clear-selection');
    assert.equal(await page.evaluate(() => document.body.dataset.selected), '0');
    await closePage(page);
  });
});

describe('app at atlas scale: the UMAP after majority voting', () => {
  it('is only the layout of the voting run’s graph (no second read of the file), the same as computed from the file', async () => {
    const page = await h.openApp();
    await load98(page);
    await page.check('#majority');
    // Every UMAP progress text shown, and every progress text of the run.
    await page.evaluate(() => {
      const w = window as unknown as { __texts: string[] };
      w.__texts = [];
      for (const id of ['plot-text', 'progress-text']) {
        const el = document.getElementById(id)!;
        new MutationObserver(() => w.__texts.push(`${id}: ${el.textContent}`)).observe(el, { childList: true, characterData: true, subtree: true });
      }
    });
    await runAndWait(page);
    assert.match((await page.textContent('#result-summary'))!, /Automatic over-clustering: \d+ Leiden clusters/);
    await waitPlot(page);
    assert.equal(await page.textContent('#error'), '');
    const voted = await page.evaluate(() => ({ ...document.body.dataset }));
    const texts = await page.evaluate(() => (window as unknown as { __texts: string[] }).__texts);
    assert.equal(voted.layoutFrom, 'voting-graph');
    assert.equal(texts.filter((t) => /^progress-text: over_clustering: collecting/.test(t)).length > 0, true, 'the voting run read the file twice');
    assert.deepEqual(texts.filter((t) => /^plot-text: UMAP: (?!UMAP layout)/.test(t)), [], 'the UMAP after voting only lays out');
    assert.ok((await coloredPixels(page)) > 500, 'the UMAP is drawn');
    // The same file without voting: the UMAP job builds the graph from the file, same layout.
    await page.uncheck('#majority');
    await runAndWait(page);
    await waitPlot(page);
    const fresh = await page.evaluate(() => ({ ...document.body.dataset }));
    assert.equal(fresh.layoutFrom, 'file');
    assert.match(voted.layoutDigest!, /^[0-9a-f]{8}$/);
    assert.equal(fresh.layoutDigest, voted.layoutDigest);
    await closePage(page);
  });

  it('a new file after a voting run does not reuse its graph', async () => {
    const page = await h.openApp();
    await load98(page);
    await page.check('#majority');
    await runAndWait(page);
    await waitPlot(page);
    const first = await page.evaluate(() => document.body.dataset.layoutDigest);
    await page.setInputFiles('#data-file', OTHER);
    await waitRunnable(page);
    await page.uncheck('#majority');
    await runAndWait(page);
    await waitPlot(page);
    assert.equal(await page.evaluate(() => document.body.dataset.layoutFrom), 'file');
    assert.notEqual(await page.evaluate(() => document.body.dataset.layoutDigest), first);
    assert.equal(await coloredPixels(page) > 500, true);
    await closePage(page);
  });
});

describe('app at atlas scale: the result panels after the UMAP', () => {
  it('read the file only after the plot, and their worker ends when idle and comes back when asked', async () => {
    const page = await h.openApp();
    await load98(page);
    await recordStates(page);
    await runAndWait(page);
    // While the UMAP is computed, the panels wait (no second reader of the file competes with it).
    assert.equal(await page.evaluate(() => document.body.dataset.plot), 'computing');
    assert.equal(await page.evaluate(() => document.body.dataset.markersWorker), undefined);
    await waitPlot(page);
    await page.waitForFunction(() => document.querySelectorAll('#markers-figure circle.dot').length > 0, null, { timeout: 60000 });
    await page.waitForFunction(() => document.querySelectorAll('#why-figure svg rect').length >= 12, null, { timeout: 60000 });
    // Idle: the worker (and its heap, grown by the dotplot's pass) is gone ...
    await page.waitForFunction(() => document.body.dataset.markersWorker === 'stopped', null, { timeout: 30000 });
    // ... and a new request starts a fresh one.
    const labels = parseCsv(await downloadText(page, '#dl-labels'));
    await page.fill('#why-cell', labels.index[7]);
    await page.press('#why-cell', 'Enter');
    await page.waitForFunction((id) => document.getElementById('why-panel')!.dataset.cell === '7' && (document.getElementById('why-figure')!.textContent ?? '').includes(id), labels.index[7], { timeout: 60000 });
    assert.equal(await page.evaluate(() => document.body.dataset.markersWorker), 'running');
    await closePage(page);
  });
});

describe('app fault paths: cancel, new file while running, run again', () => {
  /** A run of the 98-type model started and caught in its over-clustering (automatic majority voting makes it long enough). */
  async function caughtInOverClustering() {
    const page = await h.openApp();
    const workers = await trackEngineWorkers(page);
    await load98(page);
    await page.check('#majority');
    await page.click('#run');
    await page.waitForFunction(() => /^over_clustering/.test(document.getElementById('progress-text')!.textContent!), null, { timeout: 60000, polling: 10 });
    return { page, workers };
  }

  it('cancel mid-run, then run again: consistent page, the cancelled run’s worker is gone', async () => {
    const { page, workers } = await caughtInOverClustering();
    const busy = workers.filter((w) => !w.closed).length;
    assert.equal(busy, 1);
    await page.click('#cancel');
    assert.equal(await page.textContent('#progress-text'), 'cancelled');
    assert.equal(await page.textContent('#error'), '');
    assert.equal(await page.isHidden('#results'), true);
    assert.equal(await page.isDisabled('#run'), false);
    // Terminating a worker inside a long wasm call takes a moment.
    for (let k = 0; k < 100 && !workers[0].closed; k++) await page.waitForTimeout(100);
    assert.equal(workers[0].closed, true, 'the cancelled run’s worker (and its memory) is gone');
    await page.uncheck('#majority');
    await runAndWait(page);
    assert.match((await page.textContent('#result-summary'))!, /3,000 cells annotated/);
    // The UMAP can be cancelled on its own: the results stay; it can be computed again.
    await page.waitForFunction(() => document.body.dataset.plot === 'computing');
    await page.click('#umap-cancel');
    await page.waitForFunction(() => document.body.dataset.plot === 'cancelled');
    assert.equal(await page.isHidden('#results'), false);
    assert.equal(parseCsv(await downloadText(page, '#dl-labels')).index.length, 3000);
    await page.click('#umap-run');
    await waitPlot(page);
    assert.equal(await page.textContent('#error'), '');
    await closePage(page);
  });

  it('a new file dropped while a run is going replaces it; running again frees the previous run', async () => {
    const { page, workers } = await caughtInOverClustering();
    await page.setInputFiles('#data-file', OTHER);
    await waitRunnable(page);
    assert.match((await page.textContent('#data-summary'))!, /2,000 cells/);
    assert.equal(await page.isHidden('#results'), true);
    await runAndWait(page);
    assert.match((await page.textContent('#result-summary'))!, /2,000 cells annotated/);
    await waitPlot(page);
    const legend1 = await page.locator('#legend tbody tr').count();
    // Run again on the same file: same results, and only one engine worker is left alive.
    await runAndWait(page);
    await waitPlot(page);
    assert.equal(await page.locator('#legend tbody tr').count(), legend1);
    assert.equal(parseCsv(await downloadText(page, '#dl-labels')).index.length, 2000);
    // Terminating a worker takes a moment: wait up to 30 s for the earlier ones to go.
    for (let k = 0; k < 300 && (await liveEngineWorkers(page)) > 1; k++) await page.waitForTimeout(100);
    assert.ok(workers.length >= 3, `${workers.length} workers`);
    assert.equal(await liveEngineWorkers(page), 1, 'every earlier run’s worker was terminated');
    // The page's own heap does not keep the earlier runs' per-cell arrays.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    assert.ok(heap.usedSize < 60e6, `page heap ${heap.usedSize}`);
    await closePage(page);
  });

  it('made no request outside the app origin and the model CDN', () => {
    const foreign = h.requests.filter((u) => !u.startsWith(h.server.url) && !u.startsWith(h.cdn.url) && !u.startsWith('blob:') && !u.startsWith('data:'));
    assert.deepEqual(foreign, []);
    assert.ok(h.requests.length > 3);
  });
});
