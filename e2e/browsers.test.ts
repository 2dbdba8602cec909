// Cross-browser end-to-end: the same steps of the production app in Chromium (playwright-core),
// Firefox ESR (puppeteer-core over WebDriver BiDi) and WebKitGTK, Safari's engine
// (selenium-webdriver + WebKitWebDriver), the last two on Xvfb. One page load per browser, which
// then takes three inputs in turn, as a user would: the demo (engine build and plot mode as the
// browser supports them, legend, highlighting, hover); the 1k fixture in probability match with
// majority voting (CellTypist's labels; the probability CSV and the annotated .h5ad with the
// computed UMAP streamed through the page's service worker, equal to the CLI's; the markers
// dotplot's values against scanpy's); CellTypist's own 20k × 98-type bench query in best match
// (labels and legend counts equal CellTypist's, its CSV as a small Blob download, plot drawn).
// CT_BROWSERS=firefox,webkit limits the browsers.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { column, parseCsv, readCsv, repoPath, sharedPath } from '../web/engine/testing/fixtures.ts';
import { exportIdle, hoverCell, legendCounts, openApp, plotColours, runAndWait, setField, text, waitHighlighted, waitPlotted, waitRunnable } from './support/app-steps.ts';
import { celltypist20kLabels, celltypistQuery20k, MODEL98 } from './support/celltypist-20k.ts';
import { compareH5ad, EXPECTED_1K, INPUT_1K, MODEL_TOY } from './support/cli-reference.ts';
import { BROWSERS, type BPage, type BrowserName, type BrowserSession, launchBrowser } from './support/drivers.ts';
import { useServedAppAndCli } from './support/served-app.ts';

const only = process.env.CT_BROWSERS?.split(',').map((s) => s.trim()) ?? BROWSERS;
const OUT = repoPath('e2e/out/browsers');
const DOTPLOT = sharedPath('fixtures/expected/toy_lr__query_1k/dotplot_predicted_labels');

const app = useServedAppAndCli();
before(() => mkdirSync(OUT, { recursive: true }));

/** Which engine build the page should pick, from what the browser has (not from its name). */
async function expectedEngine(p: BPage): Promise<RegExp> {
  const threads = await p.eval(() => globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function');
  return threads ? /SIMD \+ threads/ : /SIMD \(single thread/;
}

/** Sets the page's export override (read at each click; the tests' ?export-… parameters). */
const exportVia = (p: BPage, query: string) => p.eval((q) => history.replaceState(null, '', `${location.pathname}${q}`), query);
const via = (p: BPage) => p.eval(() => document.getElementById('export-status')!.dataset.via ?? '');

for (const name of BROWSERS.filter((b) => only.includes(b)) as BrowserName[]) {
  describe(`${name}`, () => {
    let b: BrowserSession;
    let p: BPage;
    const timings: Record<string, number> = {};
    before(async () => {
      const t0 = Date.now();
      b = await launchBrowser(name);
      p = await b.newPage();
      await openApp(p, app.url);
      timings.launch = Date.now() - t0;
    });
    after(async () => {
      await p?.close().catch(() => {});
      await b?.close();
      console.log(`${name} ${b?.version ?? ''}: ${Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`);
    });
    const timed = (key: string, fn: () => Promise<void>) => async () => {
      const t0 = Date.now();
      try {
        await fn();
      } finally {
        timings[key] = Date.now() - t0;
      }
    };

    it(
      'demo: the engine build and plot mode the browser supports, labels, legend, plot drawn, highlighting, hover',
      timed('demo', async () => {
        assert.match(await text(p, '#engine-status'), await expectedEngine(p));
        await p.click('#load-demo');
        await waitRunnable(p);
        await runAndWait(p);
        assert.match(await text(p, '#result-summary'), /1,500 cells annotated with 6 cell types/);
        const counts = await legendCounts(p);
        assert.equal(Object.keys(counts).length, 6);
        assert.equal(Object.values(counts).reduce((a, c) => a + c, 0), 1500);
        await waitPlotted(p, 2000);
        // WebGL where the browser gives a WebGL2 context, else the basic plot (feature detection).
        const gl = await p.eval(() => !!document.createElement('canvas').getContext('webgl2'));
        assert.equal(await p.eval(() => document.getElementById('plot')!.dataset.plotMode), gl ? 'webgl' : 'basic');
        const all = await plotColours(p);
        await p.click('#legend tbody tr:first-child button.legend-item');
        assert.equal(await p.eval(() => document.querySelectorAll('#legend tbody tr.dim').length), 5);
        await waitHighlighted(p, all.saturated);
        const label = await p.eval(() => (document.querySelector('#legend tbody tr.on') as HTMLElement).dataset.label!);
        const tip = await hoverCell(p);
        assert.ok(tip.startsWith('demo_') && tip.includes(label), `hover: ${tip} (highlighted: ${label})`);
        await p.screenshot(`${OUT}/${name}-demo.png`);
      }),
    );

    it(
      "query_1k, probability match + majority voting: CellTypist's labels; the CSV and the .h5ad (computed UMAP) streamed through the service worker equal the CLI's; markers as scanpy",
      timed('parity-1k', async () => {
        await p.setFiles('#model-file', [MODEL_TOY]);
        await p.setFiles('#data-file', [INPUT_1K]);
        await waitRunnable(p);
        await setField(p, '#mode', 'prob_match');
        await setField(p, '#p-thres', '0.5');
        await setField(p, '#majority', true);
        await setField(p, '#cluster-col', 'given_clusters');
        await setField(p, '#min-prop', '0.6');
        await runAndWait(p);
        // The file has no embedding: the page computes a UMAP, which the .h5ad then carries.
        await waitPlotted(p, 500);
        // The path a large export takes where no save dialog is used: the page's service worker
        // streams the download; the .h5ad (written at positions) is written twice, front to back.
        await p.waitFor(() => !!navigator.serviceWorker?.controller, null, 30_000);
        await exportVia(p, '?export-via=service-worker&export-h5ad=replay');
        const csvRef = path.join(app.cliDir, 'probability_matrix.csv');
        const csv = await p.download('probability_matrix.csv', () => p.click('#dl-probability'), { size: statSync(csvRef).size });
        assert.match(await exportIdle(p), /^Saved probability_matrix\.csv \([\d.]+ MB\) to your downloads\.$/);
        assert.equal(await via(p), 'service-worker');
        assert.equal(readFileSync(csv, 'utf8'), readFileSync(csvRef, 'utf8'));
        const h5Ref = path.join(app.cliDir, 'annotated.h5ad');
        const h5 = await p.download('query_1k_celltypist.h5ad', () => p.click('#dl-h5ad'), { timeout: 180_000 });
        assert.match(await exportIdle(p), /^Saved query_1k_celltypist\.h5ad/);
        assert.equal(await via(p), 'service-worker+replay');
        compareH5ad(h5, h5Ref, `${name}-1k`);
        const want = readCsv(EXPECTED_1K);
        const { openH5adPath } = await import('../web/engine/h5ad/open-node.ts');
        const reader = await openH5adPath(h5);
        try {
          assert.deepEqual(reader.readObsColumn('majority_voting'), column(want, 'majority_voting'));
          assert.deepEqual(reader.readObsColumn('predicted_labels'), column(want, 'predicted_labels'));
          assert.equal(reader.readObsm('X_umap').dims, 2);
        } finally {
          reader.close();
        }
        await exportVia(p, '');
        // Markers: the fixture's genes by best-match labels, scanpy's dotplot values (the default
        // dotplot of the new run first, then the genes, then the grouping, which replots).
        await setField(p, '#mode', 'best_match');
        await setField(p, '#majority', false);
        await setField(p, '#min-prop', '0');
        await runAndWait(p);
        const dotsDone = () => document.querySelectorAll('#markers-figure circle.dot').length === 66 && !/Computing/.test(document.getElementById('markers-status')!.textContent!);
        await p.waitFor(dotsDone, null, 120_000);
        await setField(p, '#markers-genes', readFileSync(`${DOTPLOT}/genes.txt`, 'utf8').trim());
        await setField(p, '#markers-groupby', 'predicted_labels');
        await p.waitFor(dotsDone, null, 120_000);
        const table = (s: string) => s.trim().split('\n').slice(1).map((l) => l.split(','));
        const dots = table(readFileSync(await p.download('dotplot_predicted_labels.csv', () => p.click('#markers-csv')), 'utf8'));
        const ref = table(readFileSync(`${DOTPLOT}/expected_dotplot.csv`, 'utf8'));
        assert.equal(dots.length, ref.length);
        dots.forEach((d, i) => {
          assert.equal(`${d[0]}/${d[1]}`, `${ref[i][0]}/${ref[i][1]}`);
          assert.ok(Math.abs(Number(d[2]) - Number(ref[i][2])) <= 1e-9 && Math.abs(Number(d[3]) - Number(ref[i][3])) <= 1e-6, `${d} vs ${ref[i]}`);
        });
      }),
    );

    it(
      "CellTypist's 20k × 98-type query, best match: CellTypist's labels, legend counts, plot drawn",
      timed('20k', async () => {
        const query = celltypistQuery20k();
        const want = celltypist20kLabels();
        await p.setFiles('#model-file', [MODEL98]);
        await p.setFiles('#data-file', [query]);
        await waitRunnable(p, 120_000);
        assert.match(await text(p, '#data-summary'), /20,000 cells × 19,307 genes/);
        await setField(p, '#mode', 'best_match');
        await setField(p, '#majority', false);
        await runAndWait(p);
        assert.match(await text(p, '#result-summary'), /20,000 cells annotated with 98 cell types \(best match\); 6,303 of 6,634 model genes/);
        assert.deepEqual(await legendCounts(p), want.counts);
        // A small file: a Blob download wherever the page runs.
        const got = parseCsv(readFileSync(await p.download('predicted_labels.csv', () => p.click('#dl-labels')), 'utf8'));
        assert.match(await exportIdle(p), /^Saved predicted_labels\.csv/);
        assert.equal(await via(p), 'blob');
        assert.deepEqual(got.index, want.index);
        const labels = column(got, 'predicted_labels');
        const differ = labels.filter((l, i) => l !== want.labels[i]).length;
        assert.equal(differ, 0, `${differ} of 20,000 labels differ from CellTypist's`);
        const conf = column(got, 'conf_score').map(Number);
        const worst = conf.reduce((m, c, i) => Math.max(m, Math.abs(c - want.conf[i])), 0);
        assert.ok(worst <= 1e-6, `conf_score differs from CellTypist's by up to ${worst}`);
        const drawn = await waitPlotted(p, 5000);
        console.log(`${name}: 20k legend ${Object.keys(want.counts).length} types equal CellTypist's counts; ${drawn} plot pixels drawn; plot mode ${await p.eval(() => document.getElementById('plot')!.dataset.plotMode)}`);
        await p.screenshot(`${OUT}/${name}-20k.png`);
      }),
    );
  });
}
