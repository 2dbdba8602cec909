/**
 * The page's side of a download streamed through its service worker (service-worker.ts, part 3):
 * a writable whose chunks go to the worker one at a time (each acknowledged when the download
 * stream has room), started by a hidden frame that navigates to the stream's URL. `close()`
 * announces the total; the worker finishes the download only if it received exactly that many
 * bytes, so a download never completes short. The user cancelling it in the browser fails the
 * next write with a clear error.
 */

export interface Writable {
  write(b: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}

const PATH = '__ctw-download/';

/** Whether a service worker controls this page and streams downloads (it answers within 2 s). */
export async function serviceWorkerStreams(): Promise<boolean> {
  const worker = navigator.serviceWorker?.controller;
  if (!worker) return false;
  const ch = new MessageChannel();
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 2000);
    ch.port1.onmessage = (e) => {
      clearTimeout(timer);
      resolve((e.data as { type?: string })?.type === 'ctw-dl-pong');
    };
    worker.postMessage({ type: 'ctw-dl-ping' }, [ch.port2]);
  });
}

type Reply = { type: 'ctw-dl-opened' | 'ctw-dl-started' | 'ctw-dl-cancelled' | 'ctw-dl-gone' } | { type: 'ctw-dl-ack'; received: number } | { type: 'ctw-dl-closed'; ok: boolean; received: number };

/** Opens a streamed download of `name`; `onStarted` is called when the browser has taken it. */
export function openServiceWorkerDownload(name: string, onStarted?: () => void): Writable {
  const worker = navigator.serviceWorker.controller!;
  const id = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
  const ch = new MessageChannel();
  let total = 0;
  let failure: Error | null = null;
  let waiting: ((r: Reply) => void) | null = null;
  const stopped = () => failure ?? Object.assign(new Error('the download was cancelled in the browser (its downloads list), so the export stopped'), { name: 'AbortError', code: 'download_cancelled' });
  ch.port1.onmessage = (e: MessageEvent<Reply>) => {
    const r = e.data;
    if (r.type === 'ctw-dl-started') onStarted?.();
    if (r.type === 'ctw-dl-cancelled' || r.type === 'ctw-dl-gone') failure = stopped();
    const w = waiting;
    waiting = null;
    w?.(r);
  };
  const next = (want: Reply['type'][]) =>
    new Promise<Reply>((resolve, reject) => {
      if (failure) return reject(failure);
      waiting = (r) => (want.includes(r.type) ? resolve(r) : failure ? reject(failure) : next(want).then(resolve, reject));
    });
  // The page's messages keep the worker alive while the export computes between chunks.
  const keepalive = setInterval(() => worker.postMessage({ type: 'ctw-dl-keepalive', id }), 10_000);
  const opened = next(['ctw-dl-opened']);
  worker.postMessage({ type: 'ctw-dl-open', id, name }, [ch.port2]);
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.title = `download of ${name}`;
  const scope = new URL('./', document.baseURI);
  const done = () => {
    clearInterval(keepalive);
    // The download manager has the response; the frame only started it.
    setTimeout(() => frame.remove(), 60_000);
  };
  void opened.then(() => {
    frame.src = new URL(`${PATH}${id}/${encodeURIComponent(name)}`, scope).href;
    document.body.append(frame);
  }, done);
  return {
    async write(b) {
      await opened;
      if (failure) throw failure;
      const own = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : b.slice();
      total += own.byteLength;
      const acked = next(['ctw-dl-ack']);
      worker.postMessage({ type: 'ctw-dl-chunk', id, bytes: own }, [own.buffer]);
      await acked;
    },
    async close() {
      await opened;
      if (failure) throw failure;
      const closed = next(['ctw-dl-closed']);
      worker.postMessage({ type: 'ctw-dl-end', id, total });
      const r = (await closed) as Extract<Reply, { type: 'ctw-dl-closed' }>;
      done();
      if (!r.ok) throw Object.assign(new Error(`the download received ${r.received.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} bytes, so the browser was told it failed`), { code: 'incomplete' });
    },
    async abort(reason) {
      worker.postMessage({ type: 'ctw-dl-abort', id, reason: String((reason as Error)?.message ?? reason ?? 'export stopped') });
      failure ??= Object.assign(new Error('export stopped'), { name: 'AbortError' });
      done();
    },
  };
}
