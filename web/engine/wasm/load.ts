/**
 * Loads the wasm core: the SIMD+pthreads build when SharedArrayBuffer is usable
 * (cross-origin isolated pages, Node), else the SIMD-only build.
 *
 * The generated loaders are classic Emscripten MODULARIZE factories (web/engine/wasm/generated/,
 * built by scripts/build-wasm.sh). Node loads them with require() and passes `wasmBinary`
 * read from disk; browsers load them from `baseUrl` (the app copies them to /wasm/).
 */
import type { CoreModule, Variant } from './core.ts';

export interface LoadOptions {
  /** 'auto' (default) picks threads when available. */
  variant?: 'auto' | Variant;
  /** Browser only: URL folder holding ct-simd.js/.wasm and ct-threads.js/.wasm/.worker.js. */
  baseUrl?: string;
  /**
   * Threaded build: pthread workers to have started (default 4 in browsers, where a worker
   * cannot start while the page's thread waits; 0 in Node, where the engine starts the ones a
   * run needs with `ensurePthreadWorkers`). More are started if a later call asks for more.
   */
  workers?: number;
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
    p = isNode ? loadNode(variant) : loadBrowser(variant, options.baseUrl ?? '/wasm/');
    cache.set(variant, p);
    p.catch(() => cache.delete(variant));
  }
  const core = await p;
  if (variant === 'simd-threads') await ensurePthreadWorkers(core, options.workers ?? (isNode ? 0 : 4));
  return { core, variant };
}

interface PThreadPool {
  unusedWorkers: { unref?: () => void }[];
  runningWorkers: { unref?: () => void }[];
  allocateUnusedWorker(): void;
  loadWasmModuleToWorker(worker: unknown, onFinishedLoading: () => void): void;
}

/**
 * Starts pthread workers until `n` are idle and loaded (a parallel call on `t` threads needs
 * t - 1 of them, the calling thread does a share). Idle workers are kept for later calls.
 */
export async function ensurePthreadWorkers(core: CoreModule, n: number): Promise<void> {
  const pt = (core as unknown as { PThread?: PThreadPool }).PThread;
  if (!pt) return;
  const loading: Promise<void>[] = [];
  while (pt.unusedWorkers.length < n) {
    pt.allocateUnusedWorker();
    const w = pt.unusedWorkers[pt.unusedWorkers.length - 1];
    loading.push(new Promise<void>((resolve) => pt.loadWasmModuleToWorker(w, resolve)));
  }
  await Promise.all(loading);
  unrefPthreadWorkers(core);
}

function names(variant: Variant) {
  return variant === 'simd-threads'
    ? { file: 'ct-threads', factory: 'createCellTypistThreads' }
    : { file: 'ct-simd', factory: 'createCellTypistSimd' };
}

async function loadNode(variant: Variant): Promise<CoreModule> {
  const { createRequire } = await import('node:module');
  const { readFileSync, existsSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const path = await import('node:path');
  const dir = process.env.CT_WASM_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'generated');
  const { file } = names(variant);
  const js = path.join(dir, `${file}.js`);
  if (!existsSync(js)) {
    throw new Error(`the WebAssembly core is not built (${js} is missing): run 'bash scripts/build-wasm.sh'`);
  }
  const require = createRequire(import.meta.url);
  const factory = require(js) as (m: object) => Promise<CoreModule>;
  const core = await factory({
    wasmBinary: readFileSync(path.join(dir, `${file}.wasm`)),
    locateFile: (f: string) => path.join(dir, f),
    mainScriptUrlOrBlob: js,
  });
  unrefPthreadWorkers(core);
  return core;
}

/**
 * Emscripten's pthread pool keeps Node alive after the work is done; the workers are only
 * needed while the main thread is inside a (synchronous) wasm call, so unref them.
 */
export function unrefPthreadWorkers(core: CoreModule): void {
  const pt = (core as unknown as { PThread?: { unusedWorkers?: { unref?: () => void }[]; runningWorkers?: { unref?: () => void }[] } }).PThread;
  if (!pt) return;
  for (const w of [...(pt.unusedWorkers ?? []), ...(pt.runningWorkers ?? [])]) w.unref?.();
}

async function loadBrowser(variant: Variant, baseUrl: string): Promise<CoreModule> {
  const { file, factory } = names(variant);
  const base = new URL(baseUrl, (globalThis as { location?: { href: string } }).location?.href ?? 'http://localhost/');
  const scriptUrl = new URL(`${file}.js`, base).href;
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
  return create({
    locateFile: (f: string) => new URL(f, base).href,
    mainScriptUrlOrBlob: scriptUrl,
  });
}
