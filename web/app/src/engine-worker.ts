/**
 * The page's handle on the annotation worker. A run's memory lives in the worker's WebAssembly
 * heap, which never shrinks; so cancelling, or finishing a run, replaces the worker with a fresh
 * one (`restart`): the old heap is freed at once and a wasm call in progress stops immediately.
 */
import type { Request, Response } from '../../engine/worker/protocol.ts';

type Pending = { resolve: (r: Response) => void; reject: (e: Error) => void; onProgress?: (r: Response) => void };

/** Error of a task that was cancelled or whose worker was replaced. */
export class CancelledError extends Error {
  readonly code = 'cancelled';
}

export class EngineWorker {
  private worker!: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** How many workers were started (the page exposes it for tests). */
  generation = 0;
  /** True once the current worker ran a task that leaves memory in its heap (a run, a download). */
  dirty = false;

  constructor(
    private readonly create: () => Worker,
    private readonly onReady: (variant: string) => void,
    /** Messages with no pending task (e.g. a start-up failure), or a worker that died. */
    private readonly onOrphanError: (message: string) => void,
  ) {
    this.spawn();
  }

  private spawn() {
    const w = this.create();
    this.generation++;
    w.onmessage = (ev: MessageEvent<Response>) => this.receive(ev.data);
    // A worker killed by the browser (e.g. out of memory) fails every task it had.
    w.onerror = (e) => {
      e.preventDefault?.();
      const message = e.message || 'the annotation worker stopped unexpectedly (the browser may have refused it memory)';
      if (this.pending.size === 0) this.onOrphanError(message);
      this.failAll(() => Object.assign(new Error(message), { code: 'worker_failed' }));
      this.restart();
    };
    this.worker = w;
    this.dirty = false;
  }

  private receive(m: Response) {
    if (m.type === 'ready') return this.onReady(m.variant);
    const p = this.pending.get(m.id);
    if (!p) {
      if (m.type === 'error') this.onOrphanError(m.message);
      return;
    }
    if (m.type === 'progress') return p.onProgress?.(m);
    this.pending.delete(m.id);
    if (m.type === 'error') p.reject(m.code === 'cancelled' ? new CancelledError(m.message) : Object.assign(new Error(m.message), { code: m.code }));
    else p.resolve(m);
  }

  private failAll(err: () => Error) {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err());
  }

  /** Sends a task; `done` settles with its answer (or rejects, CancelledError when cancelled). */
  call(req: Omit<Request, 'id'> & { type: Request['type'] }, onProgress?: (r: Response) => void): { id: number; done: Promise<Response> } {
    const id = this.nextId++;
    if (req.type !== 'summary' && req.type !== 'model' && req.type !== 'cancel') this.dirty = true;
    const done = new Promise<Response>((resolve, reject) => this.pending.set(id, { resolve, reject, onProgress }));
    this.worker.postMessage({ ...req, id });
    return { id, done };
  }

  /** True while some task is pending. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Stops every task (rejected with CancelledError) and frees the worker's memory. */
  restart(reason = 'cancelled') {
    this.worker.terminate();
    this.failAll(() => new CancelledError(reason));
    this.spawn();
  }
}
