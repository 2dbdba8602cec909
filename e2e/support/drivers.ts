/**
 * One small page API over three browser engines, so that one e2e file runs the same steps in each:
 * Chromium (Debian's, through playwright-core), Firefox ESR (Debian's firefox-esr, through
 * puppeteer-core over WebDriver BiDi) and WebKitGTK, Safari's engine (Debian's WebKitWebDriver and
 * MiniBrowser, through selenium-webdriver). Firefox and WebKitGTK run on a virtual display (Xvfb:
 * Firefox's WebGL goes through Mesa, MiniBrowser has no headless mode). Page code is passed as
 * functions and run from their source (no closures); downloads land in a folder per browser.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';

/** Removes a browser's downloads folder (its files were checked and copied by the tests). */
const dropDownloads = (dir: string) => rmSync(dir, { recursive: true, force: true });
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Display, startXvfb } from './xvfb.ts';

export type BrowserName = 'chromium' | 'firefox' | 'webkit';
export const BROWSERS: BrowserName[] = ['chromium', 'firefox', 'webkit'];

/** Chromium flags: swiftshader so that headless Chromium draws WebGL (deck.gl). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const FIREFOX = '/usr/bin/firefox-esr';
const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';
const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

export interface LaunchOptions {
  /** Extra Chromium flags (e.g. --disable-webgl). */
  args?: string[];
}

export interface BrowserSession {
  readonly name: BrowserName;
  readonly version: string;
  /** Folder the downloads of this browser land in. */
  readonly downloads: string;
  newPage(viewport?: { width: number; height: number }): Promise<BPage>;
  close(): Promise<void>;
}

export interface BPage {
  readonly browser: BrowserName;
  goto(url: string): Promise<void>;
  /** Runs `fn` in the page (from its source: no closures) with a JSON argument; its JSON result. */
  eval<T, A = null>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  /** Waits until `fn(arg)` is truthy in the page. */
  waitFor<A = null>(fn: (arg: A) => unknown, arg?: A, timeout?: number): Promise<void>;
  setFiles(selector: string, files: string[]): Promise<void>;
  /** A real (driver) click: a user gesture for the page. */
  click(selector: string): Promise<void>;
  /** Moves the mouse to (x, y) CSS pixels from the element's top-left corner. */
  hover(selector: string, x: number, y: number): Promise<void>;
  screenshot(file: string): Promise<void>;
  /**
   * Runs `act` (a click) and waits until the download `name` is complete (its size stable, or equal
   * to `size` when given: a browser may write the final name while the download runs); its path.
   */
  download(name: string, act: () => Promise<unknown>, opts?: { timeout?: number; size?: number }): Promise<string>;
  close(): Promise<void>;
}

export async function launchBrowser(name: BrowserName, opts: LaunchOptions = {}): Promise<BrowserSession> {
  const downloads = mkdtempSync(path.join(tmpdir(), `ctw-${name}-dl-`));
  if (name === 'chromium') return launchChromium(downloads, opts);
  const display = await startXvfb();
  try {
    return await (name === 'firefox' ? launchFirefox(downloads, display) : launchWebKit(downloads, display));
  } catch (e) {
    await display.stop();
    throw e;
  }
}

/** Page code from a function's source (tsx may wrap named functions in __name()). */
const script = (fn: (arg: never) => unknown, arg: unknown) => `(async () => { var __name = (f) => f; return (${fn.toString()})(${JSON.stringify(arg ?? null)}); })()`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Shared by the drivers: polling waits and download completion by file size. */
abstract class BasePage implements BPage {
  abstract readonly browser: BrowserName;
  constructor(protected readonly downloadDir: string) {}
  abstract goto(url: string): Promise<void>;
  abstract eval<T, A = null>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  abstract setFiles(selector: string, files: string[]): Promise<void>;
  abstract click(selector: string): Promise<void>;
  abstract hover(selector: string, x: number, y: number): Promise<void>;
  abstract screenshot(file: string): Promise<void>;
  abstract close(): Promise<void>;

  async waitFor<A = null>(fn: (arg: A) => unknown, arg?: A, timeout = 30_000): Promise<void> {
    const end = Date.now() + timeout;
    for (;;) {
      if (await this.eval(fn as (a: A) => unknown, arg)) return;
      if (Date.now() > end) {
        // What the page says (its error and status lines) tells why it never got there.
        const said = await this.says();
        throw new Error(`${this.browser}: timed out after ${timeout} ms waiting for ${fn.toString().slice(0, 200)}; the page says: ${said}`);
      }
      await sleep(100);
    }
  }

  /** What the page says (its error and status lines), for failures. */
  async says(): Promise<string> {
    return this.eval(() =>
      Array.from(document.querySelectorAll('#error, [role=status], #markers-status'), (e) => `${e.id || e.className}: ${e.textContent!.trim().slice(0, 300)}`)
        .filter((t) => !/: $/.test(t))
        .join(' | '),
    ).catch(() => '');
  }

  async download(name: string, act: () => Promise<unknown>, opts: { timeout?: number; size?: number } = {}): Promise<string> {
    const timeout = opts.timeout ?? 120_000;
    const file = path.join(this.downloadDir, name);
    rmSync(file, { force: true });
    await act();
    const end = Date.now() + timeout;
    let last = -1;
    let stable = 0;
    for (;;) {
      // Firefox writes `<name>.part` beside the file until it is complete.
      const busy = readdirSync(this.downloadDir).some((f) => f.startsWith(name) && f !== name);
      const size = existsSync(file) ? statSync(file).size : -1;
      // (Firefox may create the file empty before its .part: no export here is empty.)
      stable = size > 0 && size === last && !busy ? stable + 1 : 0;
      if (opts.size === undefined ? stable >= 3 : size === opts.size && !busy) return file;
      last = size;
      if (Date.now() > end) throw new Error(`${this.browser}: the download ${name} did not complete within ${timeout} ms (${size} bytes so far${opts.size === undefined ? '' : ` of ${opts.size}`}); the page says: ${await this.says()}`);
      await sleep(300);
    }
  }
}

// ---- Chromium (playwright-core) -----------------------------------------------------------------

async function launchChromium(downloads: string, opts: LaunchOptions): Promise<BrowserSession> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...(opts.args ?? [])] });
  type PwPage = Awaited<ReturnType<typeof browser.newPage>>;
  class ChromiumPage extends BasePage {
    readonly browser = 'chromium' as const;
    constructor(private readonly page: PwPage) {
      super(downloads);
      // Saved under a temporary name first, so that the poller sees only complete files.
      page.on('download', (d) => {
        const to = path.join(downloads, d.suggestedFilename());
        void d.saveAs(`${to}.saving`).then(() => renameSync(`${to}.saving`, to), () => {});
      });
    }
    async goto(url: string) {
      await this.page.goto(url);
    }
    eval<T, A = null>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T> {
      return this.page.evaluate(script(fn as never, arg)) as Promise<T>;
    }
    async setFiles(selector: string, files: string[]) {
      await this.page.setInputFiles(selector, files);
    }
    async click(selector: string) {
      await this.page.click(selector);
    }
    async hover(selector: string, x: number, y: number) {
      const box = (await this.page.locator(selector).first().boundingBox())!;
      await this.page.mouse.move(box.x + x, box.y + y);
    }
    async screenshot(file: string) {
      await this.page.screenshot({ path: file });
    }
    async close() {
      await this.page.context().close();
    }
  }
  return {
    name: 'chromium',
    version: browser.version(),
    downloads,
    async newPage(viewport = { width: 1400, height: 900 }) {
      const context = await browser.newContext({ viewport, acceptDownloads: true });
      return new ChromiumPage(await context.newPage());
    },
    async close() {
      for (const c of browser.contexts()) await c.close().catch(() => {});
      await browser.close();
      dropDownloads(downloads);
    },
  };
}

// ---- Firefox ESR (puppeteer-core over WebDriver BiDi) ---------------------------------------------

async function launchFirefox(downloads: string, display: Display): Promise<BrowserSession> {
  const puppeteer = (await import('puppeteer-core')).default;
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: false,
    env: { ...process.env, DISPLAY: display.name, MOZ_CRASHREPORTER_DISABLE: '1' },
    extraPrefsFirefox: {
      // Downloads straight into `downloads`, never a dialog.
      'browser.download.dir': downloads,
      'browser.download.folderList': 2,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.download.alwaysOpenPanel': false,
      'browser.download.manager.showWhenStarting': false,
      'browser.helperApps.neverAsk.saveToDisk': 'text/csv,application/octet-stream,application/x-hdf5,image/png,image/svg+xml',
    },
  });
  type PpPage = Awaited<ReturnType<typeof browser.newPage>>;
  class FirefoxPage extends BasePage {
    readonly browser = 'firefox' as const;
    constructor(private readonly page: PpPage) {
      super(downloads);
    }
    async goto(url: string) {
      await this.page.goto(url);
    }
    eval<T, A = null>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T> {
      return this.page.evaluate(script(fn as never, arg)) as Promise<T>;
    }
    async setFiles(selector: string, files: string[]) {
      const input = await this.page.$(selector);
      if (!input) throw new Error(`firefox: no ${selector}`);
      await (input as unknown as { uploadFile(...f: string[]): Promise<void> }).uploadFile(...files);
    }
    async click(selector: string) {
      await this.page.click(selector);
    }
    async hover(selector: string, x: number, y: number) {
      const box = (await (await this.page.$(selector))!.boundingBox())!;
      await this.page.mouse.move(box.x + x, box.y + y);
    }
    async screenshot(file: string) {
      await this.page.screenshot({ path: file as `${string}.png` });
    }
    async close() {
      await this.page.close();
    }
  }
  return {
    name: 'firefox',
    version: await browser.version(),
    downloads,
    async newPage(viewport = { width: 1400, height: 900 }) {
      const page = await browser.newPage();
      await page.setViewport(viewport);
      return new FirefoxPage(page);
    },
    async close() {
      await browser.close();
      await display.stop();
      dropDownloads(downloads);
    },
  };
}

// ---- WebKitGTK (WebKitWebDriver + MiniBrowser, selenium-webdriver) ----------------------------------

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function launchWebKit(downloads: string, display: Display): Promise<BrowserSession> {
  const { Builder, By } = await import('selenium-webdriver');
  const port = await freePort();
  // MiniBrowser saves downloads in $HOME: a fresh home is the downloads folder.
  const driverProcess: ChildProcess = spawn(WEBKIT_DRIVER, [`--port=${port}`], { stdio: 'ignore', env: { ...process.env, DISPLAY: display.name, HOME: downloads } });
  const exited = new Promise<void>((r) => driverProcess.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${url}/status`).then((r) => r.ok, () => false);
    if (up) break;
    if (i > 100) {
      driverProcess.kill();
      throw new Error(`WebKitWebDriver did not answer on port ${port} within 10 s`);
    }
    await sleep(100);
  }
  const capabilities = { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } };
  const sessions: { quit(): Promise<void> }[] = [];
  let version = '';
  class WebKitPage extends BasePage {
    readonly browser = 'webkit' as const;
    constructor(private readonly driver: import('selenium-webdriver').WebDriver) {
      super(downloads);
    }
    async goto(u: string) {
      await this.driver.get(u);
    }
    async eval<T, A = null>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T> {
      const r = (await this.driver.executeAsyncScript(
        `const done = arguments[arguments.length - 1]; ${script(fn as never, arg)}.then((v) => done({ ok: v === undefined ? null : v }), (e) => done({ err: String((e && e.message) || e) }));`,
      )) as { ok?: T; err?: string };
      if (r.err !== undefined) throw new Error(`webkit: ${r.err}`);
      return r.ok as T;
    }
    async setFiles(selector: string, files: string[]) {
      // sendKeys adds to a `multiple` input's files: empty it first (no events), as the other
      // drivers replace the files.
      await this.eval((sel) => void ((document.querySelector(sel) as HTMLInputElement).value = ''), selector);
      await this.driver.findElement(By.css(selector)).sendKeys(files.join('\n'));
    }
    async click(selector: string) {
      try {
        await this.driver.findElement(By.css(selector)).click();
      } catch (e) {
        // WebKitWebDriver refuses clicks on some elements it deems not interactable (table rows).
        if ((e as Error).name !== 'ElementNotInteractableError') throw e;
        const ok = await this.eval((sel) => {
          const el = document.querySelector(sel) as HTMLElement | null;
          el?.click();
          return !!el;
        }, selector);
        if (!ok) throw e;
      }
    }
    async hover(selector: string, x: number, y: number) {
      // WebDriver's pointer origin is the element's centre.
      const el = await this.driver.findElement(By.css(selector));
      const r = await el.getRect();
      await this.driver.actions().move({ origin: el, x: Math.round(x - r.width / 2), y: Math.round(y - r.height / 2) }).perform();
    }
    async screenshot(file: string) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(file, Buffer.from(await this.driver.takeScreenshot(), 'base64'));
    }
    async close() {
      await this.driver.quit();
    }
  }
  return {
    name: 'webkit',
    get version() {
      return version;
    },
    downloads,
    async newPage(viewport = { width: 1400, height: 900 }) {
      // One MiniBrowser per page (a WebDriver session each).
      const driver = await new Builder().usingServer(url).withCapabilities(capabilities).build();
      sessions.push(driver);
      version = String((await driver.getCapabilities()).get('browserVersion') ?? '');
      await driver.manage().setTimeouts({ script: 600_000 });
      await driver.manage().window().setRect({ width: viewport.width, height: viewport.height });
      return new WebKitPage(driver);
    },
    async close() {
      for (const s of sessions) await s.quit().catch(() => {});
      driverProcess.kill();
      await exited;
      await display.stop();
      dropDownloads(downloads);
    },
  };
}
