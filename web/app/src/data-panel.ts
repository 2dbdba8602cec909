/**
 * Step 1, the data: the drop zone (a file, several files or a Cell Ranger folder), the
 * transpose_input switch, and the summary of what the worker read. Announces 'data-chosen'
 * before reading (a run in progress stops) and 'data' once read.
 */
import type { Request, Response } from '../../engine/worker/protocol.ts';
import { formatLines, inputLabel } from './data-summary.ts';
import { dropFiles } from './drop-files.ts';
import type { EngineWorker } from './engine-worker.ts';
import type { AppBus, DataInput } from './events.ts';
import { $, fmt } from './panel-dom.ts';
import { announce, clearError, showError } from './status.ts';

const KINDS: Record<string, string> = {
  log1p_10k: 'log1p-normalized to 10,000 counts ✓',
  log1p_other_total: 'log1p-normalized, but not to 10,000 counts',
  raw_counts: 'raw counts',
  scaled: 'scaled (X); raw/X is used',
  invalid: 'not usable as is',
  unknown: 'unrecognized normalization',
};

export class DataPanel {
  /** The input as read (null until it is, or when it could not be). */
  input: DataInput | null = null;
  /** Every file of the chosen input (a .mtx with its names, a Cell Ranger folder). */
  private files: File[] = [];

  constructor(
    private readonly bus: AppBus,
    private readonly engine: EngineWorker,
  ) {
    dropFiles($('data-drop'), $<HTMLInputElement>('data-file'), (f) => this.set(f));
    // CellTypist's transpose_input for tables and .mtx files; changing it re-reads the data.
    $('transpose-input').addEventListener('change', () => this.files.length && this.set(this.files));
  }

  /** CellTypist's transpose_input, as ticked. */
  get transposeInput(): boolean {
    return $<HTMLInputElement>('transpose-input').checked;
  }

  /** Reads a new input in the worker and shows its summary. */
  async set(input: File | File[]): Promise<void> {
    clearError();
    const files = Array.isArray(input) ? input : [input];
    this.bus.emit('data-chosen', files);
    this.files = files;
    this.input = null;
    this.bus.emit('data', null);
    const label = inputLabel(files);
    const box = $('data-summary');
    box.textContent = `Reading ${label} …`;
    try {
      const req = { type: 'summary', file: files[0], files, transpose_input: this.transposeInput } as Request;
      const r = (await this.engine.call(req, (m) => {
        if (m.type === 'progress' && m.progress.message) box.textContent = `Reading ${label}: ${m.progress.message}`;
      }).done) as Extract<Response, { type: 'summary' }>;
      if (this.files !== files) return; // another input was chosen meanwhile
      box.textContent = describe(label, r);
      announce(`Data read: ${label}, ${fmt(r.summary.n_obs)} cells × ${fmt(r.summary.n_vars)} genes.`);
      this.input = { files, summary: r.summary, kind: r.kind };
      this.bus.emit('data', this.input);
    } catch (e) {
      if (this.files !== files) return;
      box.textContent = '';
      this.files = [];
      showError((e as Error).message);
    }
  }
}

/** The summary lines: size, encoding and normalization, embeddings and obs columns, warnings. */
function describe(label: string, r: Extract<Response, { type: 'summary' }>): string {
  const s = r.summary;
  const lines =
    formatLines(label, s) ??
    `${label}: ${fmt(s.n_obs)} cells × ${fmt(s.n_vars)} genes (${s.x.encoding}${s.raw ? ', with raw' : ''}, ${s.encoding} encoding)\n` +
      `Expression: ${KINDS[r.kind] ?? r.kind}\n` +
      `Embeddings: ${s.obsm.map((o) => o.name).join(', ') || 'none'}\n` +
      `obs columns: ${s.obs_columns.map((c) => c.name).join(', ') || 'none'}`;
  return lines + (r.warnings.length ? `\n⚠ ${r.warnings.join('\n⚠ ')}` : '');
}
