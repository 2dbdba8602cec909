// The static app (dist/app) on a host that sends no COOP/COEP: its service worker restores the
// threaded build after one reload, the installed shell works offline and is installable; where
// service workers cannot run, the SIMD-only build runs and the page says why.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { ARGS, buildApp, DIST, runAndWait, waitRunnable } from './support/harness.ts';
import { serveStatic } from './support/serve.ts';

describe('dist/app on a host without COOP/COEP (service worker, PWA)', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  before(async () => {
    buildApp('');
    server = await serveStatic(DIST, false);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the service worker makes the page cross-origin isolated after one reload (threaded build), the shell works offline and is installable', async () => {
    // A persistent profile, as a user's: Chromium does not offer installation in incognito contexts.
    const profile = mkdtempSync(path.join(tmpdir(), 'ctw-profile-'));
    const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: ARGS, viewport: { width: 1400, height: 900 }, serviceWorkers: 'allow' });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      let navigations = 0;
      page.on('framenavigated', (f) => f === page.mainFrame() && navigations++);
      await page.goto(server.url);
      // First load: no headers, SIMD-only; the worker installs, takes control, the page reloads itself.
      await page.waitForFunction(() => document.getElementById('engine-status')?.dataset.variant === 'simd-threads', null, { timeout: 60000 });
      assert.equal(navigations, 2, 'exactly one automatic reload');
      assert.deepEqual(await page.evaluate(() => [crossOriginIsolated, !!navigator.serviceWorker.controller]), [true, true]);
      assert.match((await page.textContent('#engine-status'))!, /SIMD \+ threads/);
      await page.click('#load-demo');
      await waitRunnable(page);
      await runAndWait(page);
      assert.match((await page.textContent('#result-summary'))!, /1,500 cells annotated with 6 cell types.*engine simd-threads\./s);

      // Offline: the shell, the core and the demo come from the worker's cache.
      await context.setOffline(true);
      await page.reload();
      await page.waitForFunction(() => document.getElementById('engine-status')?.dataset.variant === 'simd-threads', null, { timeout: 30000 });
      await page.click('#load-demo');
      await waitRunnable(page);
      await runAndWait(page);
      assert.match((await page.textContent('#result-summary'))!, /1,500 cells annotated/);
      await context.setOffline(false);

      // Installable PWA: Chromium's own checks of the manifest, icons and service worker.
      const cdp = await context.newCDPSession(page);
      const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; data?: string };
      assert.deepEqual(manifest.errors, []);
      assert.equal(JSON.parse(manifest.data!).short_name, 'celltypist-wasm');
      const install = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
      assert.deepEqual(install.installabilityErrors.map((e) => e.errorId), []);
      // Only this build's shell cache exists; the model cache is not the worker's business.
      const keys = await page.evaluate(() => caches.keys());
      assert.equal(keys.filter((k) => k.startsWith('celltypist-wasm-shell-')).length, 1, keys.join(' '));
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });

  it('where service workers cannot run, the SIMD-only build runs and the page says so (no reload loop)', async () => {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await page.waitForSelector('#engine-status:not(:empty)');
      await page.waitForTimeout(1500);
      assert.match((await page.textContent('#engine-status'))!, /SIMD \(single thread: this page is not cross-origin isolated/);
      assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    } finally {
      await context.close();
    }
  });
});
