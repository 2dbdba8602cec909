/**
 * Catalog models on every network (issue 26), against a REAL cross-origin HTTPS model host: a
 * loopback server that Chromium reaches under the catalog's own host name
 * (--host-resolver-rules), answering like a plain file server, without CORS headers. (A routed
 * page.route response would skip CORS, so it could not show this.)
 * - "Get model" on a host without CORS: within 10 s the cause in one line and a plain link to the
 *   catalog URL; the file downloaded through that link, dropped, is verified and annotates.
 * - an HTTP status and an unreachable host are named as such;
 * - a dropped file named like a catalog model with another sha256 is warned about;
 * - a build with `models --mirror DIST/models Adult_Human_Skin --from FOLDER` loads that model
 *   from its own origin: the catalog host gets no request.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Download, Page } from 'playwright-core';
import { column, parseCsv, readCsv, repoPath, sharedPath } from '../web/engine/testing/fixtures.ts';
import { DIST, downloadText, runAndWait, sharedSha, useHarness, waitRunnable } from './support/harness.ts';
import { serveStatic } from './support/serve.ts';
import { closedPort, type HttpsHost, resolverArgs, selfSignedCert, startHttpsHost } from '../web/engine/testing/https-host.ts';

const CATALOG = 'celltypist.cog.sanger.ac.uk';
const LOW = `https://${CATALOG}/models/Pan_Immune_CellTypist/v2/Immune_All_Low.pkl`;
const BUSY = `https://${CATALOG}/models/Busy/v1/Busy_Model.pkl`;
/** A model host of the page's CSP that this test maps to a closed port. */
const DOWN = 'https://raw.githubusercontent.com/models/Down_Model.pkl';
const TOY = sharedPath('fixtures/models/toy_lr.pkl');
const OUT = repoPath('e2e/out/mirror');

let host: HttpsHost;
let refused: number;
before(async () => {
  host = await startHttpsHost(selfSignedCert(repoPath('e2e/out/tls'), [CATALOG]));
  refused = await closedPort();
  mkdirSync(OUT, { recursive: true });
});
const h = useHarness({ browserArgs: () => resolverArgs({ [CATALOG]: host.port, 'raw.githubusercontent.com': refused }) });
after(async () => {
  await host?.stop();
  rmSync(path.join(DIST, 'models'), { recursive: true, force: true });
});

/** A registry (served with CORS by the fake CDN) naming models on the real-looking hosts. */
function corsRegistry(): string {
  const entry = (name: string, url: string, sha256: string | null, def = false) => ({ name, file: `${name}.pkl`, url, mirrors: [], version: name === 'Immune_All_Low' ? 'v2' : 'v1', date: '', details: '', n_cell_types: 6, source: '', default: def, size: null, sha256 });
  return JSON.stringify({
    format: 1,
    catalog_url: `https://${CATALOG}/models/models.json`,
    catalog_last_update: '2026-01-01',
    // The toy model stands in for Immune_All_Low (no real model file here): its sha256 is "known".
    models: [entry('Immune_All_Low', LOW, sharedSha('fixtures/models/toy_lr.pkl'), true), entry('Busy_Model', BUSY, null), entry('Down_Model', DOWN, null)],
  });
}

async function getModel(page: Page, name: string) {
  await page.waitForSelector('#catalog option', { state: 'attached' });
  await page.selectOption('#catalog', name);
  await page.click('#catalog-load');
}

/** The fallback's link to `url`, visible within 10 s of "Get model", and its one-line cause. */
async function fallback(page: Page, url: string): Promise<string> {
  await page.locator(`#model-fallback a[href="${url}"]`).waitFor({ state: 'visible', timeout: 10000 });
  return (await page.textContent('#model-fallback .fallback-cause'))!;
}

describe('catalog models on any network', () => {
  before(() => {
    h.routes['/cors-registry.json'] = corsRegistry();
    host.routes.set(new URL(LOW).pathname, { body: new Uint8Array(readFileSync(TOY)) });
    host.routes.set(new URL(BUSY).pathname, { status: 503, cors: true });
  });

  it('a host without CORS headers: the cause and a plain link within 10 s; the downloaded file, dropped, is verified and annotates', async () => {
    const page = await h.openApp(`${h.server.url}?registry=${encodeURIComponent(`${h.cdn.url}cors-registry.json`)}`);
    await page.setInputFiles('#data-file', sharedPath('fixtures/synthetic/query_1k.h5ad'));
    await getModel(page, 'Immune_All_Low');
    assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'COEP: the probe is told by a coep report');
    const cause = await fallback(page, LOW);
    await page.locator('#model-fallback').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUT, 'fallback.png') }).catch(() => {});
    assert.equal(cause, `Could not get Immune_All_Low v2: blocked by the host's CORS policy: ${CATALOG} answered but does not let pages of other sites read its files (no Access-Control-Allow-Origin header).`);
    assert.ok(host.requests.includes(`GET ${new URL(LOW).pathname}`), 'the page really asked the HTTPS host');
    assert.equal(await page.textContent('#error'), '');
    // The link downloads the file as a normal navigation (CORS does not apply).
    const downloaded = new Promise<Download>((resolve) => {
      page.on('download', resolve);
      page.context().on('page', (p) => p.on('download', resolve));
    });
    await page.click('#model-fallback a');
    const file = path.join(OUT, 'Immune_All_Low.pkl');
    await (await downloaded).saveAs(file);
    await page.setInputFiles('#model-file', file);
    await page.waitForFunction(() => /^Immune_All_Low v2, verified: 6 cell types, 1,495 genes/.test(document.getElementById('model-summary')!.textContent!));
    assert.equal(await page.isVisible('#model-fallback'), false);
    await waitRunnable(page);
    await runAndWait(page);
    const got = parseCsv(await downloadText(page, '#dl-labels'));
    const want = readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/best_match/predicted_labels.csv'));
    assert.deepEqual(column(got, 'predicted_labels'), column(want, 'predicted_labels'));
    await page.close();
  });

  it('an HTTP status and an unreachable host are named as such; a page that is not cross-origin isolated tells CORS too', async () => {
    const plain = await serveStatic(DIST, false);
    const page = await h.openApp(`${plain.url}?registry=${encodeURIComponent(`${h.cdn.url}cors-registry.json`)}`);
    assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    await getModel(page, 'Immune_All_Low');
    assert.match(await fallback(page, LOW), /: blocked by the host's CORS policy: /);
    await getModel(page, 'Busy_Model');
    assert.equal(await fallback(page, BUSY), `Could not get Busy_Model v1: ${CATALOG} answered HTTP 503 Service Unavailable.`);
    await getModel(page, 'Down_Model');
    assert.match(await fallback(page, DOWN), /^Could not get Down_Model v1: network unreachable: no connection to raw\.githubusercontent\.com; the host may be down, or this network \(firewall, proxy\) does not let it through\.$/);
    await page.close();
    await plain.close();
  });

  it('a dropped file named like a catalog model but with another sha256 is warned about', async () => {
    const page = await h.openApp(); // the shipped registry: Immune_All_Low v2's real sha256
    const file = path.join(OUT, 'mismatch', 'Immune_All_Low.pkl');
    mkdirSync(path.dirname(file), { recursive: true });
    copyFileSync(TOY, file);
    await page.waitForSelector('#catalog option', { state: 'attached' });
    await page.setInputFiles('#model-file', file);
    await page.waitForFunction(() => /6 cell types/.test(document.getElementById('model-summary')!.textContent!));
    await page.locator('#model-note').waitFor({ state: 'visible' });
    assert.match((await page.textContent('#model-note'))!, /^Warning: Immune_All_Low\.pkl is named like Immune_All_Low v2, but its sha256 \([0-9a-f]{12}…\) is not the catalog's \(290874d35dac…\)/);
    assert.match((await page.textContent('#model-summary'))!, /^Immune_All_Low\.pkl: 6 cell types/);
    await page.close();
  });

  it('models --mirror DIST/models Adult_Human_Skin --from FOLDER: the build loads it from its own origin, no request to the catalog host', async () => {
    const from = path.join(OUT, 'from');
    mkdirSync(from, { recursive: true });
    copyFileSync(TOY, path.join(from, 'Adult_Human_Skin.pkl')); // a stand-in named as the catalog names it
    execFileSync(process.execPath, [repoPath('web/cli/bin.mjs'), 'models', '--mirror', path.join(DIST, 'models'), 'Adult_Human_Skin', '--from', from], { cwd: repoPath('.'), stdio: 'pipe' });
    const before = host.requests.length;
    const seen: string[] = [];
    const page = await h.openApp();
    page.on('request', (r) => seen.push(r.url()));
    await page.waitForFunction(() => [...(document.getElementById('catalog') as HTMLSelectElement).options].some((o) => /on this server/.test(o.text)));
    const label = await page.$eval('#catalog', (s) => [...(s as HTMLSelectElement).options].find((o) => o.value === 'Adult_Human_Skin')!.text);
    assert.match(label, /^Adult_Human_Skin \(\d+ types, v\d\) · on this server$/);
    // The default model is not on this server: the first one that is comes preselected.
    assert.equal(await page.$eval('#catalog', (s) => (s as HTMLSelectElement).value), 'Adult_Human_Skin');
    await getModel(page, 'Adult_Human_Skin');
    await page.waitForFunction(() => /^Adult_Human_Skin v\d.*: 6 cell types, 1,495 genes/.test(document.getElementById('model-summary')!.textContent!));
    assert.equal(await page.$eval('#model-summary', (e) => (e as HTMLElement).dataset.source), 'server');
    assert.ok(seen.includes(`${h.server.url}models/Adult_Human_Skin.pkl`), seen.join('\n'));
    assert.deepEqual(seen.filter((u) => u.includes(CATALOG)), []);
    assert.equal(host.requests.length, before, 'the catalog host got no request');
    await page.close();
  });
});
