/**
 * Step 3, the options: mode, p_thres, majority voting over an obs column (or CellTypist's own
 * over-clustering), min_prop, normalization, and which embedding to plot. The column and
 * embedding lists follow the data.
 */
import type { Mode } from '../../engine/types.ts';
import type { AppBus, DataInput } from './events.ts';
import { $ } from './panel-dom.ts';

export class OptionsPanel {
  constructor(bus: AppBus) {
    bus.on('data', (d) => d && this.fill(d));
  }

  /** The options of `celltypist.annotate`, as chosen. */
  annotateOptions() {
    const majority = $<HTMLInputElement>('majority').checked;
    return {
      mode: $<HTMLSelectElement>('mode').value as Mode,
      p_thres: Number($<HTMLInputElement>('p-thres').value),
      majority_voting: majority,
      over_clustering: majority ? $<HTMLSelectElement>('cluster-col').value || undefined : undefined,
      min_prop: Number($<HTMLInputElement>('min-prop').value),
      normalize_counts: this.normalizeCounts,
      seed: 0,
    };
  }

  /** Normalize raw counts (10,000 per cell + log1p), as ticked. */
  get normalizeCounts(): boolean {
    return $<HTMLInputElement>('normalize').checked;
  }

  /** The obsm key to plot, or undefined for a UMAP computed here. */
  get embedding(): string | undefined {
    return $<HTMLSelectElement>('embedding').value || undefined;
  }

  /** Chooses majority voting over an obs column ('' for the automatic over-clustering). */
  voteOver(column: string): void {
    $<HTMLInputElement>('majority').checked = true;
    $<HTMLSelectElement>('cluster-col').value = column;
  }

  private fill(d: DataInput) {
    const s = d.summary;
    const sel = $<HTMLSelectElement>('cluster-col');
    sel.innerHTML = '';
    // CellTypist's default: its own over-clustering (on the file's graph when it has one).
    sel.add(new Option(s.has_graph ? "automatic (Leiden on the file's neighbour graph)" : 'automatic (Leiden over-clustering)', ''));
    for (const c of s.obs_columns.filter((c) => c.kind === 'categorical' || c.kind === 'string')) sel.add(new Option(c.name, c.name));
    const emb = $<HTMLSelectElement>('embedding');
    emb.innerHTML = '';
    for (const o of s.obsm.filter((o) => o.dims >= 2)) emb.add(new Option(o.name, o.name, o.name === 'X_umap', o.name === 'X_umap'));
    // Without an embedding the engine computes a UMAP layout so there is always a plot (also
    // offered when the file has one: e.g. a 2-D obsm that is not a useful picture).
    emb.add(new Option('UMAP (computed here)', '', !emb.options.length, !emb.options.length));
  }
}
