/**
 * The UMAP layout after the results, for files without an embedding: computed in the worker with
 * its own progress bar and Cancel, or on request for very large files. The plot fills in when
 * the layout arrives ('positions').
 */
import type { Request, Response } from '../../engine/worker/protocol.ts';
import { CancelledError, type EngineWorker } from './engine-worker.ts';
import type { AppBus } from './events.ts';
import { explainError } from './memory-error.ts';
import { $, fmt } from './panel-dom.ts';
import { announce, announceProgress, announceTask } from './status.ts';
import { COMPUTED_UMAP, type RunState } from './run-state.ts';

/** FNV-1a of the coordinates' bytes, hex: two layouts compare equal by it. */
export function digest(data: Float32Array): string {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

export class LayoutController {
  /** True while a layout is being computed. */
  active = false;
  private run: RunState | null = null;
  private token = 0;

  constructor(
    private readonly bus: AppBus,
    private readonly engine: EngineWorker,
  ) {
    bus.on('results', (r) => (this.run = r));
    bus.on('cleared', () => {
      this.run = null;
      $('plot-status').hidden = true;
      for (const k of ['plot', 'layoutFrom', 'layoutDigest'] as const) delete document.body.dataset[k];
    });
    $('umap-cancel').addEventListener('click', () => engine.restart('UMAP cancelled'));
    $('umap-run').addEventListener('click', () => {
      if (this.run && !engine.busy) void this.start(this.run);
    });
  }

  /** The plot line under the plot: a message, with the UMAP's progress and Cancel while `computing`. */
  status(text: string, computing: boolean): void {
    $('plot-status').hidden = false;
    $('plot-text').textContent = text;
    $('umap-progress').hidden = !computing;
    $('umap-cancel').hidden = !computing;
    $('umap-run').hidden = computing;
  }

  /** Computes the UMAP layout of `run` in the worker; the plot fills in when it is ready. */
  async start(run: RunState): Promise<void> {
    const token = ++this.token;
    document.body.dataset.plot = 'computing';
    this.status('Computing a UMAP layout (the file has no embedding) …', true);
    $<HTMLProgressElement>('umap-progress').value = 0;
    announceTask('Computing a UMAP layout for the plot …');
    this.active = true;
    const { spec } = run;
    const req = { type: 'layout', file: spec.file, files: spec.files, transpose_input: spec.transpose_input, normalize_counts: spec.options.normalize_counts, seed: 0 } as Request;
    const { done } = this.engine.call(req, (m) => {
      if (m.type !== 'progress') return;
      $<HTMLProgressElement>('umap-progress').value = m.progress.fraction;
      announceProgress('umap', m.progress.fraction);
      $('plot-text').textContent = `UMAP: ${m.progress.message ?? ''}`;
    });
    try {
      const res = (await done) as Extract<Response, { type: 'layout' }>;
      if (token !== this.token || this.run !== run) return;
      run.positions = res.data;
      run.embeddingName = COMPUTED_UMAP;
      // For tests: where the layout came from (after majority voting, its graph) and a digest of it.
      document.body.dataset.layoutFrom = res.from;
      document.body.dataset.layoutDigest = digest(res.data);
      $('plot-status').hidden = true;
      this.bus.emit('positions', run);
      announce(`The UMAP layout is ready: the plot shows ${fmt(run.result.cell_ids.length)} cells.`);
      if (!this.engine.busy) this.engine.restart('run finished'); // free the run's memory
    } catch (e) {
      if (token !== this.token || this.run !== run) return;
      document.body.dataset.plot = e instanceof CancelledError ? 'cancelled' : 'failed';
      const text = e instanceof CancelledError ? 'UMAP cancelled: the results above are complete.' : explainError((e as Error).message, 'computing the UMAP layout');
      this.status(text, false);
      announce(text);
    } finally {
      if (token === this.token) this.active = false;
    }
  }
}
