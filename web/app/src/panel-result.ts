/**
 * What the result panels need of a run: per-cell labels as strings (decoded once from the page's
 * compact codes: one shared string reference per cell), confidence and the run's stats.
 */
import type { AnnotationResult } from '../../engine/types.ts';
import type { Categorical, CompactResult } from '../../engine/worker/compact.ts';

export interface PanelResult {
  cell_ids: string[];
  predicted_labels: string[];
  majority_voting?: string[];
  conf_score: ArrayLike<number>;
  stats: AnnotationResult['stats'];
}

const decode = (c: Categorical): string[] => Array.from(c.codes, (k) => c.categories[k]);

export function panelResult(r: CompactResult): PanelResult {
  return {
    cell_ids: r.cell_ids,
    predicted_labels: decode(r.predicted),
    majority_voting: r.majority_voting ? decode(r.majority_voting) : undefined,
    conf_score: r.conf_score,
    stats: r.stats,
  };
}
