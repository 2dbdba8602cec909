/** Starts the page's annotation worker and shows which core build it runs. */
import { EngineWorker } from './engine-worker.ts';
import { explainError } from './memory-error.ts';
import { $ } from './panel-dom.ts';
import { showError } from './status.ts';

export function startEngine(): EngineWorker {
  const engine: EngineWorker = new EngineWorker(
    () => new Worker(new URL('../../engine/worker/worker.ts', import.meta.url), { type: 'classic' }),
    (variant) => {
      const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
      $('engine-status').textContent =
        variant === 'simd-threads'
          ? 'Engine: WebAssembly SIMD + threads.'
          : `Engine: WebAssembly SIMD (single thread${isolated ? '' : ': this page is not cross-origin isolated, so threads are off'}).`;
      $('engine-status').dataset.variant = variant;
      // For tests: how many workers the page started (each run gets a fresh one).
      document.body.dataset.workers = String(engine?.generation ?? 1);
    },
    (message) => showError(explainError(message, 'working on this file')),
  );
  return engine;
}
