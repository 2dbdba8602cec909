/**
 * Step 2, the model: loads .pkl bytes in the worker (checked by the safe pickle reader) and
 * shows what the model is. The catalog, a URL, a dropped file, a trained model and the demo all
 * end here. A dropped file is first checked against the catalog (verify-drop.ts, via
 * `checkDrop`, which the catalog sets): "Immune_All_Low v2, verified", or a warning. Announces
 * 'model'.
 */
import type { Request, Response } from '../../engine/worker/protocol.ts';
import { dropZone } from './drop-zone.ts';
import { hideFallback } from './model-fallback.ts';
import type { DropCheck } from './verify-drop.ts';
import { CancelledError, type EngineWorker } from './engine-worker.ts';
import type { AppBus, LoadedModel } from './events.ts';
import { $, fmt } from './panel-dom.ts';
import { announce, clearError, showError } from './status.ts';

export class ModelPanel {
  /** The loaded model (null until one loads, and while another loads). */
  model: LoadedModel | null = null;
  /** Checks a dropped file against the catalog (set by the catalog panel once it has loaded). */
  checkDrop: ((fileName: string, bytes: Uint8Array) => Promise<DropCheck>) | null = null;

  constructor(
    private readonly bus: AppBus,
    private readonly engine: EngineWorker,
  ) {
    const input = $<HTMLInputElement>('model-file');
    dropZone(input.parentElement!, input, (f) => this.dropped(f));
  }

  private async dropped(f: File) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    const c = (await this.checkDrop?.(f.name, bytes).catch(() => null)) ?? null;
    await this.set(bytes, c?.name ?? f.name, c?.note, c?.status === 'mismatch');
  }

  /**
   * Checks and describes `bytes` in the worker; `name` is what the page calls the model; `note`
   * a sentence shown under it (a warning when `warn`).
   */
  async set(bytes: Uint8Array, name: string, note?: string, warn = false): Promise<void> {
    clearError();
    hideFallback($('model-fallback')); // another model: an earlier download failure is moot
    const n = $('model-note');
    n.hidden = !note;
    n.textContent = note ?? '';
    n.classList.toggle('warning', warn);
    this.model = null;
    this.bus.emit('model', null);
    try {
      const r = (await this.engine.call({ type: 'model', bytes } as Request).done) as Extract<Response, { type: 'model' }>;
      this.model = { bytes, info: r.info, name };
      const d = r.info.description;
      $('model-summary').textContent = `${name}: ${r.info.labels.length} cell types, ${fmt(r.info.n_features)} genes${d.details ? `\n${d.details}` : ''}${d.version ? ` (${d.version})` : ''}`;
      this.bus.emit('model', this.model);
      announce(`Model loaded: ${name}, ${r.info.labels.length} cell types.`);
    } catch (e) {
      // The worker was replaced (a run was stopped) while the model loaded: load it in the new one.
      if (e instanceof CancelledError) return this.set(bytes, name, note, warn);
      $('model-summary').textContent = '';
      showError((e as Error).message);
    }
  }
}
