/**
 * The app's only service worker (built to dist/app/sw.js by web/app/service-worker-plugin.ts).
 *
 * 1. Cross-origin isolation on any host: every same-origin response it serves gets
 *    COOP: same-origin and COEP: require-corp, so the threaded wasm core runs even where the
 *    host cannot set headers (GitHub Pages...). Cross-origin requests (model hosts) are left to
 *    the browser; under COEP they need CORS, which the model hosts send.
 * 2. An offline shell: the build's files are precached at install (one cache per build, older
 *    ones removed at activation); navigations go to the network first, then the cache. Models
 *    stay in the model cache (celltypist-wasm-models-*), which this worker never touches.
 */
// Replaced at build time: the files of the build, relative to the scope, and their content hash.
const SHELL_FILES: string[] = JSON.parse('__CTW_SHELL_FILES__');
const SHELL_CACHE = 'celltypist-wasm-shell-__CTW_VERSION__';
const SHELL_PREFIX = 'celltypist-wasm-shell-';

const sw = self as unknown as ServiceWorkerGlobalScope;
const scoped = (file: string) => new URL(file, sw.registration.scope).href;

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      await cache.addAll(SHELL_FILES.map(scoped));
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith(SHELL_PREFIX) && key !== SHELL_CACHE) await caches.delete(key);
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== sw.location.origin) return;
  event.respondWith(respond(req));
});

/** Navigations: network first (new deployments show up), cache when offline. Files: cache first. */
async function respond(req: Request): Promise<Response> {
  const cache = await caches.open(SHELL_CACHE);
  if (req.mode !== 'navigate') {
    const hit = await cache.match(req);
    if (hit) return isolated(hit);
  }
  try {
    return isolated(await fetch(req));
  } catch (err) {
    const fallback = (await cache.match(req, { ignoreSearch: true })) ?? (req.mode === 'navigate' ? await cache.match(scoped('index.html')) : undefined);
    if (!fallback) throw err;
    return isolated(fallback);
  }
}

/** The response with the cross-origin isolation headers (opaque responses cannot be changed). */
function isolated(res: Response): Response {
  if (res.type === 'opaque' || res.type === 'opaqueredirect' || res.status === 0) return res;
  const headers = new Headers(res.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}
