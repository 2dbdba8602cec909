/**
 * The threaded core's pthread pool: workers started on demand (ensurePthreadWorkers) and kept for
 * later calls, and unref'd while idle so that they do not keep Node alive (unrefPthreadWorkers).
 */
import type { CoreModule } from './core.ts';

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
  // Workers count as unused as soon as they are allocated, before they have loaded: a concurrent
  // call (e.g. a worker's preload and its first request) must wait for those to load too, or the
  // parallel call that follows blocks on threads that never start.
  // Workers still loading count as unused: only the missing ones are started, at once (they load
  // in parallel), then everything in flight is waited for.
  const inFlight = poolLoading.get(core);
  const loading: Promise<void>[] = inFlight ? [inFlight] : [];
  while (pt.unusedWorkers.length < n) {
    pt.allocateUnusedWorker();
    const w = pt.unusedWorkers[pt.unusedWorkers.length - 1];
    loading.push(new Promise<void>((resolve) => pt.loadWasmModuleToWorker(w, resolve)));
  }
  if (loading.length > (inFlight ? 1 : 0)) poolLoading.set(core, Promise.all(loading).then(() => undefined));
  const awaited = poolLoading.get(core);
  await awaited;
  // Idle workers must not keep Node alive, but a worker still loading must (else the event loop
  // may run empty while a caller waits for it): only the last call in flight unrefs.
  if (poolLoading.get(core) === awaited) unrefPthreadWorkers(core);
}

/** The pthread workers being loaded, per core. */
const poolLoading = new WeakMap<CoreModule, Promise<void>>();

/**
 * Emscripten's pthread pool keeps Node alive after the work is done; the workers are only
 * needed while the main thread is inside a (synchronous) wasm call, so unref them.
 */
export function unrefPthreadWorkers(core: CoreModule): void {
  const pt = (core as unknown as { PThread?: { unusedWorkers?: { unref?: () => void }[]; runningWorkers?: { unref?: () => void }[] } }).PThread;
  if (!pt) return;
  for (const w of [...(pt.unusedWorkers ?? []), ...(pt.runningWorkers ?? [])]) w.unref?.();
}
