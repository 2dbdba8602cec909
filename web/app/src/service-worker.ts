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
 * 3. Streamed downloads: the page opens a download (a message with a MessagePort), then navigates
 *    a hidden frame to ./__ctw-download/<id>/<name>, which this worker answers with a stream the
 *    browser's download manager writes to disk as the page posts the export's chunks (one at a
 *    time, acknowledged when the stream has room: no quota, nothing held). The stream is closed
 *    only when the bytes received equal the total the page announces; otherwise it is errored, so
 *    the browser marks the download failed instead of handing over a short file.
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
  const dl = new URL(req.url).pathname.slice(new URL(sw.registration.scope).pathname.length);
  if (dl.startsWith(DOWNLOAD_PATH)) event.respondWith(downloadResponse(dl.slice(DOWNLOAD_PATH.length).split('/')[0]));
  else event.respondWith(respond(req));
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

// ---- 3. streamed downloads ------------------------------------------------------------------------

const DOWNLOAD_PATH = '__ctw-download/';
/** Bytes the stream may hold before a chunk waits for the download manager to take them. */
const DOWNLOAD_BUFFER = 8 << 20;

interface Download {
  name: string;
  port: MessagePort;
  stream: ReadableStream<Uint8Array>;
  ctl: ReadableStreamDefaultController<Uint8Array>;
  received: number;
  /** The acknowledgement of the last chunk, once the stream has room. */
  room: (() => void) | null;
  started: boolean;
}
const downloads = new Map<string, Download>();

sw.addEventListener('message', (event) => {
  const m = event.data as { type?: string; id?: string; name?: string; bytes?: ArrayBuffer | Uint8Array; total?: number; reason?: string } | null;
  if (!m || typeof m.type !== 'string' || !m.type.startsWith('ctw-dl-')) return;
  if (m.type === 'ctw-dl-ping') {
    event.ports[0]?.postMessage({ type: 'ctw-dl-pong' });
    return;
  }
  if (m.type === 'ctw-dl-open' && m.id && event.ports[0]) {
    openDownload(m.id, m.name ?? 'download', event.ports[0]);
    return;
  }
  const d = downloads.get(m.id ?? '');
  if (!d) {
    if (m.type !== 'ctw-dl-keepalive') event.ports[0]?.postMessage({ type: 'ctw-dl-gone' });
    return;
  }
  if (m.type === 'ctw-dl-chunk' && m.bytes) {
    const bytes = m.bytes instanceof Uint8Array ? m.bytes : new Uint8Array(m.bytes);
    d.received += bytes.byteLength;
    d.ctl.enqueue(bytes);
    // The page sends the next chunk after this answer; the worker stays alive until then.
    event.waitUntil(
      new Promise<void>((resolve) => {
        const ack = () => {
          d.port.postMessage({ type: 'ctw-dl-ack', received: d.received });
          resolve();
        };
        if ((d.ctl.desiredSize ?? 1) > 0) ack();
        else d.room = ack;
      }),
    );
  } else if (m.type === 'ctw-dl-end') {
    downloads.delete(m.id as string);
    const ok = d.received === m.total;
    if (ok) d.ctl.close();
    else d.ctl.error(new Error(`incomplete: ${d.received} of ${m.total} bytes`));
    d.port.postMessage({ type: 'ctw-dl-closed', ok, received: d.received });
  } else if (m.type === 'ctw-dl-abort') {
    downloads.delete(m.id as string);
    d.ctl.error(new Error(m.reason ?? 'export stopped'));
  }
  // 'ctw-dl-keepalive': the message itself keeps the worker running while the page computes.
});

function openDownload(id: string, name: string, port: MessagePort) {
  let ctl!: ReadableStreamDefaultController<Uint8Array>;
  const d = {} as Download;
  const stream = new ReadableStream<Uint8Array>(
    {
      start: (c) => void (ctl = c),
      pull: () => {
        const ack = d.room;
        d.room = null;
        ack?.();
      },
      // The user cancelled the download (or the browser dropped it): the page stops the export.
      cancel: () => {
        downloads.delete(id);
        port.postMessage({ type: 'ctw-dl-cancelled' });
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: DOWNLOAD_BUFFER }),
  );
  Object.assign(d, { name, port, stream, ctl, received: 0, room: null, started: false });
  downloads.set(id, d);
  port.postMessage({ type: 'ctw-dl-opened' });
}

function downloadResponse(id: string): Response {
  const d = downloads.get(id);
  if (!d || d.started) return new Response('This download is no longer available: export the file again from the page.', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  d.started = true;
  d.port.postMessage({ type: 'ctw-dl-started' });
  const ascii = d.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return new Response(d.stream, {
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(d.name)}`,
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
