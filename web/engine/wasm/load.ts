/**
 * Loads the wasm core: the SIMD+pthreads build when SharedArrayBuffer is usable
 * (cross-origin isolated pages, Node), else the SIMD-only build.
 *
 * The generated loaders are classic Emscripten MODULARIZE factories (web/engine/wasm/generated/,
 * built by scripts/build-wasm.sh). Node loads them with require() and passes `wasmBinary`
 * read from disk. Browsers find the five files with `new URL('./generated/…', import.meta.url)`,
 * which Vite, webpack and Rollup (with an import-meta-assets plugin) bundle as assets; `baseUrl`
 * or `locateFile` overrides that, e.g. to serve them from a CDN.
 */
import type { CoreModule, Variant } from './core.ts';
import { CORE_FILES, type CoreFile, bundledCoreUrl, coreNames } from './core-files.ts';
import { ensurePthreadWorkers } from './pthread-pool.ts';

// The core's files and its pthread pool have modules of their own (load-node.ts uses them too);
// their names stay importable from here.
export { CORE_FILES, type CoreFile, bundledCoreUrl, coreNames } from './core-files.ts';
export { ensurePthreadWorkers, unrefPthreadWorkers } from './pthread-pool.ts';

export interface LoadOptions {
  /** 'auto' (default) picks threads when available. */
  variant?: 'auto' | Variant;
  /**
   * Browser only: URL folder holding the five core files (`CORE_FILES`), e.g. a CDN path.
   * Default: the files next to this module, as bundled by your bundler.
   */
  baseUrl?: string;
  /**
   * Threaded build: pthread workers to have started (default 4 in browsers, where a worker
   * cannot start while the page's thread waits; 0 in Node, where the engine starts the ones a
   * run needs with `ensurePthreadWorkers`). More are started if a later call asks for more.
   */
  workers?: number;
  /** Browser only: the URL of each core file; wins over `baseUrl`. Must be a plain string map when sent to a worker. */
  locateFile?: (file: CoreFile) => string;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

/** True when the threaded build can run here. */
export function threadsAvailable(): boolean {
  if (isNode) return true;
  return typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

const cache = new Map<Variant, Promise<CoreModule>>();

/** Loads (once per variant) and returns the core with the variant actually used. */
export async function loadCore(options: LoadOptions = {}): Promise<{ core: CoreModule; variant: Variant }> {
  const want = options.variant ?? 'auto';
  const variant: Variant = want === 'auto' ? (threadsAvailable() ? 'simd-threads' : 'simd') : want;
  if (variant === 'simd-threads' && !threadsAvailable()) {
    throw new Error('the threaded WebAssembly build needs a cross-origin isolated page (COOP/COEP headers)');
  }
  let p = cache.get(variant);
  if (!p) {
    p = isNode ? loadNode(variant) : loadBrowser(variant, browserLocator(options));
    cache.set(variant, p);
    p.catch(() => cache.delete(variant));
  }
  const core = await p;
  if (variant === 'simd-threads') await ensurePthreadWorkers(core, options.workers ?? (isNode ? 0 : 4));
  return { core, variant };
}

function browserLocator(options: LoadOptions): (file: CoreFile) => string {
  if (options.locateFile) return options.locateFile;
  if (options.baseUrl) {
    const base = new URL(options.baseUrl, (globalThis as { location?: { href: string } }).location?.href ?? 'http://localhost/');
    return (file) => new URL(file, base).href;
  }
  return bundledCoreUrl;
}

/**
 * Node's loader lives in its own module, imported by a computed URL so that bundlers building
 * for browsers neither follow it nor warn about the node: modules it uses.
 */
async function loadNode(variant: Variant): Promise<CoreModule> {
  const file = import.meta.url.endsWith('.ts') ? './load-node.ts' : './load-node.js';
  const mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ new URL(file, import.meta.url).href)) as typeof import('./load-node.ts');
  return mod.loadNode(variant);
}

/**
 * Emscripten starts pthread workers from this URL, which must be same-origin. A bundler may have
 * inlined the small file as a data: URL (opaque origin), or it may be on a CDN: in both cases
 * start the workers from a same-origin blob: (CSP: worker-src blob:) holding or importing it.
 */
async function sameOriginWorkerUrl(url: string): Promise<string> {
  if (url.startsWith('data:')) return URL.createObjectURL(await (await fetch(url)).blob());
  const here = (globalThis as { location?: { href: string; origin: string } }).location;
  if (!here || new URL(url, here.href).origin === here.origin) return url;
  return URL.createObjectURL(new Blob([`importScripts(${JSON.stringify(new URL(url, here.href).href)});`], { type: 'text/javascript' }));
}

async function loadBrowser(variant: Variant, locate: (file: CoreFile) => string): Promise<CoreModule> {
  const { file, factory } = coreNames(variant);
  const scriptUrl = locate(`${file}.js` as CoreFile);
  const g = globalThis as unknown as Record<string, unknown> & { importScripts?: (u: string) => void };
  if (typeof g[factory] !== 'function') {
    if (typeof g.importScripts === 'function') {
      g.importScripts(scriptUrl); // classic worker
    } else {
      await new Promise<void>((resolve, reject) => {
        const s = document.createElement('script');
        s.src = scriptUrl;
        s.onload = () => resolve();
        s.onerror = () => reject(new Error(`cannot load the WebAssembly core from ${scriptUrl}`));
        document.head.appendChild(s);
      });
    }
  }
  const create = g[factory] as (m: object) => Promise<CoreModule>;
  const pthreadWorker = variant === 'simd-threads' ? await sameOriginWorkerUrl(locate('ct-threads.worker.js')) : '';
  return create({
    locateFile: (f: string) => (f === 'ct-threads.worker.js' ? pthreadWorker : CORE_FILES.includes(f as CoreFile) ? locate(f as CoreFile) : f),
    mainScriptUrlOrBlob: scriptUrl,
  });
}
