/// <reference types="vite/client" />
/**
 * Registers the app's service worker (production builds): offline shell, and cross-origin
 * isolation on hosts that cannot send COOP/COEP. When this page is not isolated, the first time
 * the worker takes control the page reloads once (per tab session) to get the worker's headers
 * and hence the threaded core; if that does not help, the SIMD-only build keeps running.
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
  if (globalThis.crossOriginIsolated || sessionStorage.getItem(RELOADED)) return;
  const reload = () => {
    sessionStorage.setItem(RELOADED, '1');
    location.reload();
  };
  if (navigator.serviceWorker.controller) reload();
  else navigator.serviceWorker.addEventListener('controllerchange', reload, { once: true });
}

void registerServiceWorker();
