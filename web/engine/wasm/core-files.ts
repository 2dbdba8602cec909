/**
 * The wasm core's files: the five files of its two builds (SIMD; SIMD + pthreads), the file stem
 * and factory name of each build, and where a bundler puts them by default (next to this module).
 * Shared by the browser loader (load.ts) and Node's (load-node.ts).
 */
import type { Variant } from './core.ts';

/** The five files of the two builds (loaded in browsers; Node reads them from disk). */
export type CoreFile = 'ct-simd.js' | 'ct-simd.wasm' | 'ct-threads.js' | 'ct-threads.wasm' | 'ct-threads.worker.js';
export const CORE_FILES: readonly CoreFile[] = ['ct-simd.js', 'ct-simd.wasm', 'ct-threads.js', 'ct-threads.wasm', 'ct-threads.worker.js'];

/** The file stem and factory name of a build. */
export function coreNames(variant: Variant) {
  return variant === 'simd-threads'
    ? { file: 'ct-threads', factory: 'createCellTypistThreads' }
    : { file: 'ct-simd', factory: 'createCellTypistSimd' };
}

/**
 * The default location of each core file: next to this module. Written as literal
 * `new URL(…, import.meta.url)` expressions so that bundlers find and emit the files.
 */
export function bundledCoreUrl(file: CoreFile): string {
  switch (file) {
    case 'ct-simd.js':
      return new URL('./generated/ct-simd.js', import.meta.url).href;
    case 'ct-simd.wasm':
      return new URL('./generated/ct-simd.wasm', import.meta.url).href;
    case 'ct-threads.js':
      return new URL('./generated/ct-threads.js', import.meta.url).href;
    case 'ct-threads.wasm':
      return new URL('./generated/ct-threads.wasm', import.meta.url).href;
    case 'ct-threads.worker.js':
      return new URL('./generated/ct-threads.worker.js', import.meta.url).href;
  }
}
