// End-to-end: the production build of the app in Debian's Chromium (playwright-core), served on
// loopback with and without cross-origin isolation. Compares what the page exports with
// CellTypist's reference outputs. Set-up is shared with the other e2e files (support/harness.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { column, parseCsv, readCsv, repoPath, sharedPath } from '../web/engine/testing/fixtures.ts';
import { coloredPixels, DIST, downloadText, runAndWait, useHarness, waitRunnable } from './support/harness.ts';
import { serveStatic } from './support/serve.ts';

const h = useHarness();

describe('app (production build, cross-origin isolated)', () => {
  it('demo: annotates, plots and legends without any download', async () => {
    const page = await h.openApp(h.server.url);
    assert.match((await page.textContent('#engine-status'))!, /SIMD \+ threads/);
    await page.click('#load-demo');
    await waitRunnable(page);
    assert.match((await page.textContent('#data-summary'))!, /1,500 cells × 400 genes/);
    await runAndWait(page);
    assert.match((await page.textContent('#result-summary'))!, /1,500 cells annotated with 6 cell types/);
    const rows = await page.$$eval('#legend tbody tr', (trs) => trs.map((t) => (t as HTMLElement).dataset.label));
    assert.equal(rows.length, 6);
    await page.waitForTimeout(500);
    const colored = await coloredPixels(page);
    assert.ok(colored > 2000, `plot looks blank (${colored} coloured pixels)`);
    // Clicking a legend row highlights it (others dimmed).
    await page.click('#legend tbody tr:first-child button.legend-item');
    assert.equal(await page.$$eval('#legend tbody tr.dim', (t) => t.length), 5);
    // Proportions per sample: three donors, each row sums to 100%.
    await page.selectOption('#group-by', 'sample');
    await page.selectOption('#proportions-view', 'table');
    const rowsP = await page.$$eval('#proportions tbody tr', (trs) => trs.map((t) => Array.from(t.querySelectorAll('td'), (c) => c.textContent!)));
    assert.deepEqual([...new Set(rowsP.map((r) => r[0]))], ['donor1', 'donor2', 'donor3']);
    for (const d of ['donor1', 'donor2', 'donor3']) {
      const share = rowsP.filter((r) => r[0] === d).reduce((a, r) => a + parseFloat(r[3]), 0);
      assert.ok(Math.abs(share - 100) < 0.5, `${d}: ${share}%`);
    }
    const csv = await downloadText(page, '#dl-proportions');
    assert.match(csv, /^group,cell_type,count,proportion\ndonor1,B cells,\d+,0\.\d+/);
    await page.screenshot({ path: repoPath('e2e/out/demo.png') }).catch(() => {});
    await page.close();
  });

  it('CellTypist parity: query_1k + toy_lr, prob match with majority voting (exported CSV)', async () => {
    const page = await h.openApp(h.server.url);
    await page.setInputFiles('#model-file', sharedPath('fixtures/models/toy_lr.pkl'));
    await page.setInputFiles('#data-file', sharedPath('fixtures/synthetic/query_1k.h5ad'));
    await waitRunnable(page);
    assert.match((await page.textContent('#model-summary'))!, /6 cell types, 1,495 genes/);
    await page.selectOption('#mode', 'prob_match');
    await page.fill('#p-thres', '0.5');
    await page.check('#majority');
    await page.selectOption('#cluster-col', 'given_clusters');
    await page.fill('#min-prop', '0.6');
    await runAndWait(page);
    assert.match((await page.textContent('#result-summary'))!, /1,346 of 1,495 model genes/);
    const got = parseCsv(await downloadText(page, '#dl-labels'));
    const want = readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/prob_match_p0.5_majority_voting_given_minprop0.6/predicted_labels.csv'));
    assert.deepEqual(got.header, want.header);
    assert.deepEqual(got.index, want.index);
    assert.deepEqual(column(got, 'predicted_labels'), column(want, 'predicted_labels'));
    assert.deepEqual(column(got, 'majority_voting'), column(want, 'majority_voting'));
    const conf = column(got, 'conf_score').map(Number);
    column(want, 'conf_score').forEach((v, i) => assert.ok(Math.abs(Number(v) - conf[i]) <= 1e-5));
    // Annotated .h5ad: our reader finds CellTypist's columns in the downloaded file.
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-h5ad')]);
    const { openH5adPath } = await import('../web/engine/h5ad/open-node.ts');
    const { copyFileSync } = await import('node:fs');
    const saved = repoPath('e2e/out/annotated.h5ad');
    copyFileSync((await dl.path())!, saved);
    const reader = await openH5adPath(saved);
    assert.deepEqual(reader.readObsColumn('majority_voting'), column(want, 'majority_voting'));
    assert.equal(reader.readObsm('probability_matrix').dims, 6);
    reader.close();
    const prob = parseCsv(await downloadText(page, '#dl-probability'));
    assert.deepEqual(prob.header, ['B cells', 'CD4+ T cells', 'CD8+ T cells', 'Classical monocytes', 'NK cells', 'Platelets']);
    await page.close();
  });

  it('automatic over-clustering with per-step progress, and a computed UMAP when the file has no embedding', async () => {
    const page = await h.openApp(h.server.url);
    await page.setInputFiles('#model-file', sharedPath('fixtures/models/toy_lr.pkl'));
    await page.setInputFiles('#data-file', sharedPath('fixtures/synthetic/query_1k.h5ad'));
    await waitRunnable(page);
    assert.equal(await page.inputValue('#cluster-col'), ''); // CellTypist's default: automatic
    assert.equal(await page.textContent('#embedding option'), 'UMAP (computed here)');
    await page.check('#majority');
    const steps: string[] = [];
    const poll = setInterval(() => void page.textContent('#progress-text').then((t) => t && steps.push(t)).catch(() => {}), 20);
    await runAndWait(page);
    clearInterval(poll);
    const summary = (await page.textContent('#result-summary'))!;
    assert.match(summary, /Automatic over-clustering: \d+ Leiden clusters \(resolution 5, HVG → PCA → kNN\)/);
    assert.ok(steps.some((t) => /^(over_clustering|umap): /.test(t)), steps.join(' | '));
    const got = parseCsv(await downloadText(page, '#dl-labels'));
    const want = readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/majority_voting_auto/predicted_labels.csv'));
    assert.deepEqual(column(got, 'predicted_labels'), column(want, 'predicted_labels'));
    const mv = column(got, 'majority_voting');
    const ref = column(want, 'majority_voting');
    const agreement = mv.filter((l, i) => l === ref[i]).length / mv.length;
    assert.ok(agreement >= 0.86, `agreement with CellTypist ${agreement}`);
    // The computed layout is plotted once the worker has it (after the results).
    await page.waitForFunction(() => document.body.dataset.plot === 'ready', null, { timeout: 60000 });
    assert.ok((await coloredPixels(page)) > 500);
    await page.close();
  });

  it('Train tab: trains on a labelled file, downloads the model, annotates another file with it; then compares two models', async () => {
    const page = await h.openApp(h.server.url);
    await page.setInputFiles('#data-file', sharedPath('fixtures/synthetic/train_2k.h5ad'));
    await page.click('#train-panel summary');
    await page.waitForFunction(() => !(document.getElementById('train-run') as HTMLButtonElement).disabled);
    assert.equal(await page.inputValue('#train-labels'), 'cell_type');
    await page.fill('#train-details', 'trained in the browser');
    await page.click('#train-run');
    await page.waitForFunction(() => !(document.getElementById('train-use') as HTMLElement).hidden || document.getElementById('error')!.textContent !== '', null, { timeout: 60000 });
    assert.equal(await page.textContent('#error'), '');
    assert.match((await page.textContent('#train-summary'))!, /LogisticRegression trained on 2,000 cells: 6 cell types, 1,495 genes\./);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#train-download')]);
    const { copyFileSync, mkdirSync } = await import('node:fs');
    mkdirSync(repoPath('e2e/out'), { recursive: true });
    copyFileSync((await dl.path())!, repoPath('e2e/out/browser-trained.pkl'));
    const { modelInfo } = await import('../web/engine/node.ts');
    const info = await modelInfo(repoPath('e2e/out/browser-trained.pkl'));
    assert.equal(info.description.details, 'trained in the browser');
    // Mini-batch SGD with balanced cell types, then back to the default model.
    await page.check('#train-minibatch');
    await page.check('#train-balance');
    await page.click('#train-run');
    await page.waitForFunction(() => /SGDClassifier trained on 2,000 cells/.test(document.getElementById('train-summary')!.textContent!) || document.getElementById('error')!.textContent !== '', null, { timeout: 60000 });
    assert.equal(await page.textContent('#error'), '');
    await page.uncheck('#train-minibatch');
    await page.uncheck('#train-balance');
    await page.click('#train-run');
    await page.waitForFunction(() => /LogisticRegression trained/.test(document.getElementById('train-summary')!.textContent!), null, { timeout: 60000 });
    await page.click('#train-use');
    await page.waitForFunction(() => /6 cell types, 1,495 genes/.test(document.getElementById('model-summary')!.textContent!));
    await page.setInputFiles('#data-file', sharedPath('fixtures/synthetic/query_1k.h5ad'));
    await waitRunnable(page);
    await runAndWait(page);
    const got = column(parseCsv(await downloadText(page, '#dl-labels')), 'predicted_labels');
    const want = column(readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/best_match/predicted_labels.csv')), 'predicted_labels');
    assert.ok(got.filter((l, i) => l === want[i]).length >= 990);
    // Compare with CellTypist's SGD model.
    await page.setInputFiles('#compare-file', sharedPath('fixtures/models/toy_sgd.pkl'));
    await page.waitForFunction(() => /same label as the first model for/.test(document.getElementById('compare-summary')!.textContent!), null, { timeout: 30000 });
    assert.match((await page.textContent('#compare-summary'))!, /toy_sgd.pkl: 1,346 of 1,495 genes found; same label as the first model for [\d,]+ of 1,000 cells/);
    assert.equal(await page.locator('#compare tbody tr').count(), 6);
    await page.close();
  });

  it('legacy-encoded real data falls back to raw/X and says so', async () => {
    const page = await h.openApp(h.server.url);
    await page.setInputFiles('#model-file', sharedPath('fixtures/models/pbmc68k_bulk.pkl'));
    await page.setInputFiles('#data-file', sharedPath('fixtures/real/pbmc68k_reduced.h5ad'));
    await waitRunnable(page);
    assert.match((await page.textContent('#data-summary'))!, /700 cells × 765 genes \(dense, with raw, legacy encoding\)/);
    await runAndWait(page);
    assert.match((await page.textContent('#result-summary'))!, /found in raw\/X/);
    const got = parseCsv(await downloadText(page, '#dl-labels'));
    const want = readCsv(sharedPath('fixtures/real/expected/pbmc68k_bulk__pbmc68k_reduced/best_match/predicted_labels.csv'));
    assert.deepEqual(column(got, 'predicted_labels'), column(want, 'predicted_labels'));
    await page.close();
  });

  it('clear messages for wrong files, no crash', async () => {
    const page = await h.openApp(h.server.url);
    await page.setInputFiles('#data-file', sharedPath('fixtures/models/toy_lr.pkl'));
    await page.waitForFunction(() => document.getElementById('error')!.textContent !== '');
    assert.match((await page.textContent('#error'))!, /looks like a Python pickle/);
    // A pasted URL outside the allowed hosts is blocked by the CSP: named so, with a link to download it instead.
    await page.fill('#model-url', 'http://127.0.0.2:9/evil.pkl');
    await page.click('#model-url-load');
    await page.locator('#model-fallback a[href="http://127.0.0.2:9/evil.pkl"]').waitFor({ state: 'visible' });
    assert.match((await page.textContent('#model-fallback'))!, /^Could not get http:\/\/127\.0\.0\.2:9\/evil\.pkl: blocked by this page's Content-Security-Policy: it may contact only its own server and the catalog's model hosts, not 127\.0\.0\.2:9\..*drop the downloaded file/);
    await page.setInputFiles('#model-file', sharedPath('fixtures/models/legacy_2020_sgd.pkl'));
    await page.waitForFunction(() => /legacy/.test(document.getElementById('error')!.textContent!));
    assert.match((await page.textContent('#error'))!, /Download the current version/);
    // A truncated .h5ad (a download cut short).
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(repoPath('e2e/out'), { recursive: true });
    const whole = readFileSync(sharedPath('fixtures/synthetic/query_1k.h5ad'));
    writeFileSync(repoPath('e2e/out/truncated.h5ad'), whole.subarray(0, Math.floor(whole.length / 3)));
    await page.setInputFiles('#data-file', repoPath('e2e/out/truncated.h5ad'));
    await page.waitForFunction(() => /truncated/.test(document.getElementById('error')!.textContent!));
    assert.match((await page.textContent('#error'))!, /is truncated: HDF5 says it has [\d,]+ bytes but it has [\d,]+ .*download or export it again/);
    // A model whose genes are not in the data: refused with the reason, not a crash.
    await page.setInputFiles('#model-file', sharedPath('fixtures/models/pbmc68k_bulk.pkl'));
    await page.setInputFiles('#data-file', sharedPath('fixtures/synthetic/query_1k.h5ad'));
    await page.waitForFunction(() => !(document.getElementById('run') as HTMLButtonElement).disabled);
    await page.click('#run');
    await page.waitForFunction(() => /genes are found/.test(document.getElementById('error')!.textContent!));
    assert.match((await page.textContent('#error'))!, /only \d+ of the model's 765 genes are found in the data: check that the data's gene names are symbols/);
    await page.close();
  });

  it('a human model on mouse data is converted by orthologs (table from the CDN), and the page says so', async () => {
    const page = await h.openApp(`${h.server.url}?registry=${encodeURIComponent(`${h.cdn.url}registry.json`)}`);
    await page.setInputFiles('#model-file', sharedPath('fixtures/models/pbmc68k_bulk.pkl'));
    await page.setInputFiles('#data-file', sharedPath('fixtures/real/pbmc68k_mouse_genes.h5ad'));
    await waitRunnable(page);
    await page.waitForFunction(() => (document.getElementById('catalog') as HTMLSelectElement).options.length > 0);
    await runAndWait(page);
    const summary = (await page.textContent('#result-summary'))!;
    assert.match(summary, /596 of 612 model genes/);
    assert.match(summary, /converted to mouse genes by 1:1 orthologs .* 612 of its 765 genes kept/);
    const got = parseCsv(await downloadText(page, '#dl-labels'));
    const want = readCsv(sharedPath('fixtures/real/expected/pbmc68k_bulk_to_mouse__pbmc68k_mouse_genes/predicted_labels.csv'));
    assert.deepEqual(column(got, 'predicted_labels'), column(want, 'predicted_labels'));
    assert.ok(h.cdn.requests.some((u) => u.endsWith('Ensembl105_Human2Mouse_Genes.csv')));
    await page.close();
  });

  it('catalog model: downloaded from the CDN with progress, then served from the cache offline', async () => {
    const context = await h.browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
    const visit = async () => {
      const page = await context.newPage();
      page.on('request', (r) => h.requests.push(r.url()));
      await page.goto(`${h.server.url}?registry=${encodeURIComponent(`${h.cdn.url}registry.json`)}`);
      await page.waitForSelector('#catalog option', { state: 'attached' });
      await page.click('#catalog-load');
      await page.waitForFunction(() => document.getElementById('model-summary')!.dataset.source || document.getElementById('error')!.textContent);
      assert.equal(await page.textContent('#error'), '');
      await page.setInputFiles('#data-file', sharedPath('fixtures/synthetic/query_1k.h5ad'));
      await waitRunnable(page);
      await runAndWait(page);
      const got = parseCsv(await downloadText(page, '#dl-labels'));
      const want = readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/best_match/predicted_labels.csv'));
      assert.deepEqual(column(got, 'predicted_labels'), column(want, 'predicted_labels'));
      const source = await page.$eval('#model-summary', (e) => (e as HTMLElement).dataset.source);
      await page.close();
      return source;
    };
    const before = h.cdn.requests.filter((u) => u.endsWith('toy_lr.pkl')).length;
    assert.equal(await visit(), 'network');
    assert.equal(h.cdn.requests.filter((u) => u.endsWith('toy_lr.pkl')).length, before + 1);
    await h.cdn.stop();
    assert.equal(await visit(), 'cache');
    await context.close();
  });

  it('made no request outside the app origin and the model CDN', () => {
    const foreign = h.requests.filter((u) => !u.startsWith(h.server.url) && !u.startsWith(h.cdn.url) && !u.startsWith('blob:') && !u.startsWith('data:'));
    assert.deepEqual(foreign, []);
    assert.ok(h.requests.length > 3);
  });
});

describe('<celltypist-annotator> web component', () => {
  it('annotates inside a portal page and fires an annotated event', async () => {
    const page = await h.openPage(`${h.server.url}component-example.html`);
    await page.click('#demo');
    await page.waitForFunction(() => document.body.dataset.annotated, null, { timeout: 30000 });
    assert.equal(await page.evaluate(() => document.body.dataset.annotated), '1500');
    const rows = await page.evaluate(() => document.getElementById('annotator')!.shadowRoot!.querySelectorAll('tbody tr').length);
    assert.equal(rows, 6);
    // Automatic over-clustering (majority-voting without a cluster column), and a computed UMAP
    // when the asked-for embedding is missing.
    const auto = await page.evaluate(async () => {
      const el = document.getElementById('annotator') as HTMLElement & { annotate(f: File): Promise<{ majority_voting?: string[]; umap?: Float32Array; stats: { over_clustering?: { source: string; n_clusters: number } } }> };
      el.removeAttribute('over-clustering');
      el.setAttribute('majority-voting', '');
      el.setAttribute('embedding', 'X_missing');
      const blob = await (await fetch('./demo/demo.h5ad')).blob();
      const r = await el.annotate(new File([blob], 'demo.h5ad'));
      return { voted: r.majority_voting?.length ?? 0, source: r.stats.over_clustering?.source, clusters: r.stats.over_clustering?.n_clusters ?? 0, umap: r.umap?.length ?? 0 };
    });
    assert.equal(auto.voted, 1500);
    assert.equal(auto.source, 'expression');
    assert.ok(auto.clusters >= 5, JSON.stringify(auto));
    assert.equal(auto.umap, 3000);
    await page.close();
  });
});

describe('app without cross-origin isolation', () => {
  it('falls back to the SIMD-only build and says so', async () => {
    const plain = await serveStatic(DIST, false);
    try {
      const page = await h.openApp(plain.url);
      assert.match((await page.textContent('#engine-status'))!, /SIMD \(single thread: this page is not cross-origin isolated/);
      await page.click('#load-demo');
      await waitRunnable(page);
      await runAndWait(page);
      assert.match((await page.textContent('#result-summary'))!, /engine simd\./);
      await page.close();
    } finally {
      await plain.close();
    }
  });
});
