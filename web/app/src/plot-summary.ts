/**
 * The plot's text alternative: what the scatter plot shows in one sentence (cells, embedding,
 * colouring, the largest types), read by screen readers as the plot's name and shown under it.
 */

export interface PlotSummaryInput {
  cells: number;
  /** The embedding's name (X_umap, 'UMAP (computed)'); null while there is no plot. */
  embedding: string | null;
  /** What colours the cells, in words ('majority voting', 'confidence'). */
  colouredBy: string;
  /** Label counts of the shown column. */
  items: { name: string; count: number }[];
  /** True when cells are coloured by confidence (the legend then lists labels, not colours). */
  confidence?: boolean;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function plotSummary({ cells, embedding, colouredBy, items, confidence }: PlotSummaryInput): string {
  const total = items.reduce((a, it) => a + it.count, 0) || 1;
  const top = [...items].sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1)).slice(0, 3);
  const largest = top.map((it) => `${it.name} (${((100 * it.count) / total).toFixed(1)}%)`).join(', ');
  const where = embedding ? `Scatter plot of ${fmt(cells)} cells on ${embedding}` : `${fmt(cells)} cells (no plot yet)`;
  const colours = confidence ? 'coloured by confidence, from red (low) to blue (high)' : `coloured by ${colouredBy}`;
  const types = `${fmt(items.length)} ${items.length === 1 ? 'cell type' : 'cell types'}`;
  return `${where}, ${colours}: ${types}${top.length ? `, the largest ${largest}` : ''}.`;
}
