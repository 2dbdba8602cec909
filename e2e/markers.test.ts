// End-to-end (production build, Debian's Chromium): issue 16's result panels — the Markers
// dotplot (values vs scanpy's, gene search, unknown genes, SVG/PNG/CSV export), the results figure
// export, and the comparison of several models (agreement matrix, cross-tab, labels CSV).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { column, parseCsv, readCsv, repoPath, sharedPath } from '../web/engine/testing/fixtures.ts';
import { downloadText, runAndWait, useHarness, waitRunnable } from './support/harness.ts';

const h = useHarness();
const DIR = sharedPath('fixtures/expected/toy_lr__query_1k/dotplot_predicted_labels');
const GENES = readFileSync(`${DIR}/genes.txt`, 'utf8').trim();

async function downloadBytes(page: Page, button: string): Promise<Buffer> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return readFileSync((await dl.path())!);
}

async function annotated(): Promise<Page> {
  const page = await h.openApp(h.server.url, { width: 1400, height: 1000 });
  await page.setInputFiles('#model-file', sharedPath('fixtures/models/toy_lr.pkl'));
  await page.setInputFiles('#data-file', sharedPath('fixtures/synthetic/query_1k.h5ad'));
  await waitRunnable(page);
  await page.check('#majority');
  await page.selectOption('#cluster-col', 'given_clusters');
  await runAndWait(page);
  return page;
}

/** Waits until the dotplot shows `n` dots (and the status is not "Computing …"). */
async function waitDots(page: Page, n: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('#markers-figure circle.dot').length === n && !/Computing/.test(document.getElementById('markers-status')!.textContent!), n, { timeout: 30000 });
}

function parseTable(text: string) {
  const [head, ...rows] = text.trim().split('\n');
  assert.equal(head, 'group,gene,fraction,mean_expression');
  return rows.map((l) => l.split(',')).map(([group, gene, f, m]) => ({ group, gene, fraction: Number(f), mean: Number(m) }));
}

describe('Markers panel, results figure and model comparison (app)', () => {
  it("Markers: top markers by default, scanpy's values, search, unknown genes, SVG/PNG/CSV", async () => {
    const page = await annotated();
    // Default: the model's top 2 markers of the types present, grouped by majority voting.
    await waitDots(page, 6 * 11);
    assert.match((await page.inputValue('#markers-genes'))!, /^GENE1008, GENE0141, GENE0753, CD3D/);
    assert.match((await page.textContent('#markers-status'))!, /11 genes × 6 groups[\s\S]*gene not found in the data: GENE0141; plotted the other 11/);
    // The fixture's genes grouped by predicted labels: scanpy's values.
    await page.selectOption('#markers-groupby', 'predicted_labels');
    await page.fill('#markers-genes', GENES);
    await page.click('#markers-plot');
    await waitDots(page, 66);
    const got = parseTable(await downloadText(page, '#markers-csv'));
    const want = parseTable(readFileSync(`${DIR}/expected_dotplot.csv`, 'utf8'));
    assert.equal(got.length, want.length);
    got.forEach((g, i) => {
      assert.equal(`${g.group}/${g.gene}`, `${want[i].group}/${want[i].gene}`);
      assert.ok(Math.abs(g.fraction - want[i].fraction) <= 1e-9);
      assert.ok(Math.abs(g.mean - want[i].mean) <= 1e-6);
    });
    // Search adds a gene.
    await page.fill('#markers-search', 'LYZ');
    await page.press('#markers-search', 'Enter');
    await waitDots(page, 72);
    assert.match(await page.inputValue('#markers-genes'), /GENE0148, LYZ$/);
    const svg = (await downloadBytes(page, '#markers-svg')).toString('utf8');
    assert.equal(svg.match(/<circle class="dot"/g)!.length, 72);
    assert.match(svg, /<title>B cells · LYZ: /);
    const png = await downloadBytes(page, '#markers-png');
    assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
    await page.locator('#markers-panel').screenshot({ path: repoPath('e2e/out/markers-dotplot.png') });
    // Only unknown genes: one clear message, no crash.
    await page.fill('#markers-genes', 'NOPE1, NOPE2');
    await page.click('#markers-plot');
    await page.waitForFunction(() => /none of the genes is in the data/.test(document.getElementById('markers-status')!.textContent!), null, { timeout: 30000 });
    assert.equal(await page.textContent('#error'), '');
    await page.close();
  });

  it('why this label: the first cell is explained at once; a typed cell id explains that cell', async () => {
    const page = await annotated();
    const labels = readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/best_match/predicted_labels.csv'));
    await page.waitForFunction(() => document.querySelectorAll('#why-figure svg rect').length >= 12, null, { timeout: 30000 });
    assert.match((await page.textContent('#why-figure'))!, new RegExp(`${labels.index[0]} → ${column(labels, 'predicted_labels')[0].replace('+', '\\+')}`));
    await page.fill('#why-cell', labels.index[7]);
    await page.press('#why-cell', 'Enter');
    await page.waitForFunction(() => document.getElementById('why-panel')!.dataset.cell === '7', null, { timeout: 30000 });
    const text = (await page.textContent('#why-figure'))!;
    assert.match(text, new RegExp(`${labels.index[7]} → ${column(labels, 'predicted_labels')[7].replace('+', '\\+')}`));
    assert.match(text, /decision score -?\d+\.\d{3}/);
    await page.fill('#why-cell', 'NOT_A_CELL');
    await page.press('#why-cell', 'Enter');
    await page.waitForFunction(() => /no cell 'NOT_A_CELL'/.test(document.getElementById('why-status')!.textContent!), null, { timeout: 10000 });
    await page.fill('#why-cell', labels.index[7]);
    await page.press('#why-cell', 'Enter');
    await page.locator('#why-panel').screenshot({ path: repoPath('e2e/out/why-this-label.png') });
    await page.close();
  });

  it('results figure: preview and PNG/SVG of the three panels', async () => {
    const page = await annotated();
    await page.waitForFunction(() => (document.getElementById('figure-preview') as HTMLImageElement).naturalWidth > 1000, null, { timeout: 30000 });
    const png = await downloadBytes(page, '#figure-png');
    assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
    assert.ok(png.readUInt32BE(16) > 2000, `width ${png.readUInt32BE(16)}`);
    const svg = (await downloadBytes(page, '#figure-svg')).toString('utf8');
    for (const t of ['majority_voting', 'predicted_labels', 'conf_score']) assert.match(svg, new RegExp(`>${t}</text>`));
    assert.equal(svg.match(/<image /g)!.length, 3);
    await page.locator('#figure-panel').screenshot({ path: repoPath('e2e/out/results-figure.png') });
    // A new run hides the previous run's panels, then shows its own.
    await page.evaluate(() => {
      delete document.body.dataset.state;
      // Recorded as it happens: a quick run may show the panel again before a poll would see it hidden.
      const w = window as unknown as { __hidden: boolean };
      w.__hidden = false;
      const panel = document.getElementById('markers-panel')!;
      new MutationObserver(() => (w.__hidden ||= panel.hidden)).observe(panel, { attributes: true, attributeFilter: ['hidden'] });
    });
    await page.click('#run');
    await page.waitForFunction(() => (window as unknown as { __hidden: boolean }).__hidden, null, { timeout: 30000 });
    await page.waitForFunction(() => document.body.dataset.state === 'results', null, { timeout: 60000 });
    // The panels come back after the results' first paint; until then the hidden panel still
    // holds the previous run's dots, which waitDots alone would take for the new ones.
    await page.waitForFunction(() => !document.getElementById('markers-panel')!.hidden, null, { timeout: 30000 });
    await waitDots(page, 66);
    assert.equal(await page.locator('#markers-panel').isVisible(), true);
    await page.close();
  });

  it('compares any number of models: agreement matrix, cross-tab of any two, labels CSV', async () => {
    const page = await annotated();
    await page.setInputFiles('#models-files', [sharedPath('fixtures/models/toy_sgd.pkl'), sharedPath('fixtures/models/toy_lr_fs.pkl')]);
    await page.waitForFunction(() => document.querySelectorAll('#models-agreement tbody tr').length === 3, null, { timeout: 60000 });
    const rows = await page.$$eval('#models-agreement tbody tr', (trs) => trs.map((t) => Array.from(t.querySelectorAll('td'), (c) => c.textContent!)));
    assert.deepEqual(rows.map((r) => r[0]), ['toy_lr', 'toy_sgd', 'toy_lr_fs']);
    assert.deepEqual(rows.map((r, i) => r[i + 1]), ['100.0%', '100.0%', '100.0%']);
    const want = ['toy_lr', 'toy_sgd', 'toy_lr_fs'].map((m) => column(readCsv(sharedPath(`fixtures/expected/${m}__query_1k/best_match/predicted_labels.csv`)), 'predicted_labels'));
    const same = want[0].filter((l, k) => l === want[1][k]).length / 10;
    assert.equal(rows[0][2], `${same.toFixed(1)}%`);
    const labels = parseCsv(await downloadText(page, '#models-labels'));
    assert.deepEqual(labels.header, ['toy_lr', 'toy_sgd', 'toy_lr_fs']);
    ['toy_lr', 'toy_sgd', 'toy_lr_fs'].forEach((m, i) => assert.deepEqual(column(labels, m), want[i]));
    await page.selectOption('#models-a', '1');
    await page.selectOption('#models-b', '2');
    const head = await page.$$eval('#models-crosstab thead td', (tds) => tds.map((t) => t.textContent));
    assert.equal(head[0], 'toy_sgd \\ toy_lr_fs');
    const total = await page.$$eval('#models-crosstab tbody td:not(:first-child)', (tds) => tds.reduce((s, t) => s + Number(t.textContent!.replace(/,/g, '') || 0), 0));
    assert.equal(total, 1000);
    await page.locator('#models-panel').screenshot({ path: repoPath('e2e/out/compare-models.png') });
    await page.close();
  });
});
