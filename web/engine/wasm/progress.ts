/**
 * Waiting for the core's background work without blocking the JS thread (a blocked thread would
 * take a core from the work it waits for): woken by the core (Atomics.waitAsync on an int32 of its
 * shared memory that changes as work finishes) as soon as it happens, where a 1 ms poll left the
 * threads idle ~1 ms per chunk. Polls where the memory is not shared or waitAsync is missing.
 */
import type { CoreModule } from './core.ts';
import { refreshHeapViews } from './heap.ts';

/** Atomics.waitAsync (ES2024; Node 16+, Chromium 87+), where it exists. */
const waitAsync = (Atomics as unknown as { waitAsync?: (a: Int32Array, i: number, v: number, ms: number) => { async: boolean; value: unknown } }).waitAsync;

/**
 * Resolves when the int32 at heap `address` changes, or at once when `done()` holds already;
 * 50 ms at most either way (callers check done() again and wait again).
 */
export async function nextProgress(core: CoreModule, address: number, done: () => boolean): Promise<void> {
  refreshHeapViews(core); // the memory may have grown since the views were made
  const buffer = core.HEAPU8.buffer;
  if (!waitAsync || typeof SharedArrayBuffer === 'undefined' || !(buffer instanceof SharedArrayBuffer) || address + 4 > buffer.byteLength) {
    await new Promise((r) => setTimeout(r, 1));
    return;
  }
  const at = address >> 2;
  const heap = new Int32Array(buffer);
  const seen = Atomics.load(heap, at);
  if (done()) return;
  const w = waitAsync(heap, at, seen, 50);
  if (!w.async) return;
  // A pending waitAsync does not keep Node's event loop alive (the workers are unref'd): a timer does.
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([w.value, new Promise((r) => (timer = setTimeout(r, 50)))]);
  clearTimeout(timer);
}

/** Resolves once `done()` holds, waiting as nextProgress does. */
export async function untilDone(core: CoreModule, address: number, done: () => boolean): Promise<void> {
  while (!done()) await nextProgress(core, address, done);
}
