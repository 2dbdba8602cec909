/**
 * Cross-tabulation of two labelings of the same cells (e.g. two models, or predicted labels vs
 * an obs column), like `pd.crosstab(a, b)`: rows and columns sorted.
 */
import { csvField } from './csv.ts';

export interface Crosstab {
  rows: string[];
  cols: string[];
  /** counts[r][c]: cells labelled rows[r] by the first and cols[c] by the second. */
  counts: number[][];
}

export function crosstab(a: string[], b: string[]): Crosstab {
  if (a.length !== b.length) throw new Error(`the labelings differ in length (${a.length} vs ${b.length})`);
  const rows = [...new Set(a)].sort();
  const cols = [...new Set(b)].sort();
  const ri = new Map(rows.map((r, i) => [r, i]));
  const ci = new Map(cols.map((c, i) => [c, i]));
  const counts = rows.map(() => cols.map(() => 0));
  a.forEach((x, i) => counts[ri.get(x)!][ci.get(b[i])!]++);
  return { rows, cols, counts };
}

/** CSV with the first labeling as rows (its name in the corner) and the second as columns. */
export function crosstabCsv(t: Crosstab, rowName: string, colName: string): string {
  const head = [csvField(`${rowName} \\ ${colName}`), ...t.cols.map(csvField)].join(',');
  const lines = t.rows.map((r, i) => [csvField(r), ...t.counts[i].map(String)].join(','));
  return [head, ...lines].join('\n') + '\n';
}
