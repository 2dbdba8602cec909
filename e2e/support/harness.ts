/**
 * Shared set-up of the Playwright e2e files: builds the production app with a CSP that allows the
 * loopback fake CDN, serves it cross-origin isolated, launches Debian's Chromium, and records
 * every request pages make (for the no-foreign-request checks). Each e2e file calls
 * `useHarness()` once at top level; the returned object is filled in `before()`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { repoPath, sharedPath } from '../../web/engine/testing/fixtures.ts';
import { type FakeCdn, startFakeCdn } from '../../web/engine/testing/fake-cdn.ts';
import { serveStatic } from './serve.ts';
import { plotColouredPixels } from './plot-pixels.ts';

/** Chromium flags: swiftshader so that headless Chromium draws WebGL (deck.gl). */
export const ARGS = ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Where the production build of the app lands. */
export const DIST = repoPath('dist/app');

export interface Harness {
  browser: Browser;
  /** The app served with COOP/COEP (cross-origin isolated). */
  server: Awaited<ReturnType<typeof serveStatic>>;
  /** The loopback stand-in for the model hosts; serves ../shared and `routes`. */
  cdn: FakeCdn;
  /** path → JSON body routes of the fake CDN (a registry naming it is at /registry.json). */
  routes: Record<string, string>;
  /** Every URL requested by pages opened through `openPage`/`openApp`. */
  requests: string[];
  /** The app URL with `?registry=` pointing at the fake CDN's registry. */
  registryUrl(): string;
  /** Opens a page (1400 × 900), recording its requests. */
  openPage(url: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** Opens the app and waits until the engine reports its build. */
  openApp(url?: string, viewport?: { width: number; height: number }): Promise<Page>;
}

/** sha256 of a file under ../shared, hex. */
export function sharedSha(rel: string): string {
  return createHash('sha256').update(readFileSync(sharedPath(rel))).digest('hex');
}

function fakeRegistry(cdnUrl: string): string {
  return JSON.stringify({
    format: 1,
    catalog_url: `${cdnUrl}models.json`,
    catalog_last_update: '2026-01-01',
    models: [{ name: 'Toy_LR', file: 'toy_lr.pkl', url: `${cdnUrl}fixtures/models/toy_lr.pkl`, mirrors: [], version: 'v1', date: '2024-01-01', details: 'toy model', n_cell_types: 6, source: '', default: true, size: null, sha256: sharedSha('fixtures/models/toy_lr.pkl') }],
    gene_tables: [
      {
        name: 'Ensembl105_Human2Mouse_Genes',
        file: 'Ensembl105_Human2Mouse_Genes.csv',
        url: `${cdnUrl}genes/Ensembl105_Human2Mouse_Genes.csv`,
        mirrors: [],
        version: 'test',
        details: '',
        size: null,
        sha256: sharedSha('genes/Ensembl105_Human2Mouse_Genes.csv'),
      },
    ],
  });
}

/** Builds the production app whose CSP allows `extraConnect` besides the real model hosts. */
export function buildApp(extraConnect: string): void {
  if (!existsSync(repoPath('web/engine/wasm/generated/ct-simd.wasm'))) execFileSync('bash', ['scripts/build-wasm.sh'], { cwd: repoPath('.'), stdio: 'ignore' });
  execFileSync('npx', ['vite', 'build', '--config', 'web/app/vite.config.ts', '--logLevel', 'error'], {
    cwd: repoPath('.'),
    stdio: 'ignore',
    env: { ...process.env, CT_EXTRA_CONNECT: extraConnect },
  });
}

export interface HarnessOptions {
  /** More Chromium flags, read in before() (e.g. --host-resolver-rules for a local HTTPS host started earlier). */
  browserArgs?: () => string[];
}

/** Registers before/after hooks that start and stop the browser, app server and fake CDN. */
export function useHarness(opts: HarnessOptions = {}): Harness {
  const h = { requests: [] as string[], routes: {} as Record<string, string> } as Harness;
  before(async () => {
    mkdirSync(repoPath('e2e/out'), { recursive: true }); // screenshots and downloaded files (git-ignored)
    h.cdn = await startFakeCdn(path.resolve(sharedPath('.')), h.routes);
    h.routes['/registry.json'] = fakeRegistry(h.cdn.url);
    buildApp(h.cdn.url.replace(/\/$/, ''));
    h.server = await serveStatic(DIST, true);
    h.browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...ARGS, ...(opts.browserArgs?.() ?? [])] });
  });
  after(async () => {
    await h.cdn?.stop().catch(() => {});
    // Pages first, so that their pending work ends before the browser goes.
    for (const c of h.browser?.contexts() ?? []) await c.close().catch(() => {});
    await h.browser?.close();
    await h.server?.close();
  });
  h.registryUrl = () => `${h.server.url}?registry=${encodeURIComponent(`${h.cdn.url}registry.json`)}`;
  h.openPage = async (url, viewport = { width: 1400, height: 900 }) => {
    // The app's service worker is tested on its own (e2e/package.test.ts); here pages behave as
    // on a browser without one, so that each test sees exactly the headers its server sends.
    const context = await h.browser.newContext({ viewport, acceptDownloads: true, serviceWorkers: 'block' });
    const page = await context.newPage();
    page.on('close', () => void context.close().catch(() => {})); // the browser may be closing already
    page.on('request', (r) => h.requests.push(r.url()));
    await page.goto(url);
    return page;
  };
  h.openApp = async (url, viewport) => {
    const page = await h.openPage(url ?? h.server.url, viewport);
    await page.waitForSelector('#engine-status:not(:empty)', { timeout: 30000 });
    return page;
  };
  return h;
}

/** Waits until the Annotate button is enabled (data and model ready), with no error shown. */
export async function waitRunnable(page: Page): Promise<void> {
  await page.waitForFunction(() => !(document.getElementById('run') as HTMLButtonElement).disabled || document.getElementById('error')!.textContent !== '', null, { timeout: 30000 });
  assert.equal(await page.textContent('#error'), '');
}

/** Clicks Annotate and waits for `body[data-state="results"]` (or an error, which fails). */
export async function runAndWait(page: Page, timeout = 60000): Promise<void> {
  await page.evaluate(() => delete document.body.dataset.state);
  await page.click('#run');
  await page.waitForFunction(() => document.body.dataset.state === 'results' || document.getElementById('error')!.textContent !== '', null, { timeout });
  assert.equal(await page.textContent('#error'), '');
}

/** Counts plot pixels that are neither background nor empty. */
export function coloredPixels(page: Page): Promise<number> {
  return page.evaluate(plotColouredPixels);
}

/** Clicks a download button and returns the downloaded file's text. */
export async function downloadText(page: Page, button: string): Promise<string> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return readFileSync((await dl.path())!, 'utf8');
}
