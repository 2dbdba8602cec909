/// <reference types="vite/client" />
/**
 * Registers the app's service worker (production builds): offline shell, and cross-origin
 * isolation on hosts that cannot send COOP/COEP. When this page is not isolated, the first time
 * the worker takes control the page reloads once (per tab session) to get the worker's headers
 * and hence the threaded core; if that does not help, the SIMD-only build keeps running.
 * sessionStorage may be unavailable (sandboxed frames): then no reload is attempted.
 */
const RELOADED = 'celltypist-wasm-isolation-reload';

export async function registerServiceWorker(): Promise<void> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  try {
    await navigator.serviceWorker.register('./sw.js', { scope: './' });
  } catch (e) {
    console.warn(`celltypist-wasm: the service worker could not be registered (${(e as Error).message}); the app works online only`);
    return;
  }
  // In a portal's iframe isolation also needs the portal page's own headers, so a reload would
  // rarely help and would drop the portal's messages: no reload there.
  if (globalThis.crossOriginIsolated || window.parent !== window || !canReloadOnce()) return;
  const reload = () => {
    sessionStorage.setItem(RELOADED, '1');
    location.reload();
  };
  if (navigator.serviceWorker.controller) reload();
  else navigator.serviceWorker.addEventListener('controllerchange', reload, { once: true });
}

/** False when this tab already reloaded for isolation, or when sessionStorage is not available. */
function canReloadOnce(): boolean {
  try {
    return !sessionStorage.getItem(RELOADED);
  } catch {
    return false;
  }
}

void registerServiceWorker();
