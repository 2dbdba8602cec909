/**
 * A warning when many cells end up 'Unassigned' (prob_match: no cell type's probability reaches
 * p_thres), the CellTypist user's common "why is everything Unassigned?", with what to do.
 */

/** Share of Unassigned cells from which the run warns. */
export const UNASSIGNED_WARN_SHARE = 0.25;

export function unassignedWarning(labels: ArrayLike<string>, mode: string, pThres: number): string | null {
  if (mode !== 'prob_match' || labels.length === 0) return null;
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 'Unassigned') n++;
  if (n / labels.length < UNASSIGNED_WARN_SHARE) return null;
  const fmt = (x: number) => x.toLocaleString('en-US');
  return (
    `${fmt(n)} of ${fmt(labels.length)} cells (${((100 * n) / labels.length).toFixed(1)}%) are Unassigned: in prob_match mode a cell gets no label when no cell type's probability reaches p_thres (${pThres}). ` +
    'Lower p_thres (CLI: --p-thres), use best_match, or check that the model fits this tissue and species.'
  );
}
