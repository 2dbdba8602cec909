/**
 * Step 2, the model: loads .pkl bytes in the worker (checked by the safe pickle reader) and
 * shows what the model is. The catalog, a URL, a dropped file, a trained model and the demo all
 * end here. Announces 'model'.
 */
import type { Request, Response } from '../../engine/worker/protocol.ts';
import { dropZone } from './drop-zone.ts';
import { CancelledError, type EngineWorker } from './engine-worker.ts';
import type { AppBus, LoadedModel } from './events.ts';
import { $, fmt } from './panel-dom.ts';
import { clearError, showError } from './status.ts';

export class ModelPanel {
  /** The loaded model (null until one loads, and while another loads). */
  model: LoadedModel | null = null;

  constructor(
    private readonly bus: AppBus,
    private readonly engine: EngineWorker,
  ) {
    const input = $<HTMLInputElement>('model-file');
    dropZone(input.parentElement!, input, async (f) => this.set(new Uint8Array(await f.arrayBuffer()), f.name));
  }

  /** Checks and describes `bytes` in the worker; `name` is what the page calls the model. */
  async set(bytes: Uint8Array, name: string): Promise<void> {
    clearError();
    this.model = null;
    this.bus.emit('model', null);
    try {
      const r = (await this.engine.call({ type: 'model', bytes } as Request).done) as Extract<Response, { type: 'model' }>;
      this.model = { bytes, info: r.info, name };
      const d = r.info.description;
      $('model-summary').textContent = `${name}: ${r.info.labels.length} cell types, ${fmt(r.info.n_features)} genes${d.details ? `\n${d.details}` : ''}${d.version ? ` (${d.version})` : ''}`;
      this.bus.emit('model', this.model);
    } catch (e) {
      // The worker was replaced (a run was stopped) while the model loaded: load it in the new one.
      if (e instanceof CancelledError) return this.set(bytes, name);
      $('model-summary').textContent = '';
      showError((e as Error).message);
    }
  }
}
