/**
 * CellTypist-compatible tables (AnnotationResult.to_table): predicted_labels.csv,
 * decision_matrix.csv, probability_matrix.csv, formatted as pandas writes them.
 */
import type { AnnotationResult } from '../types.ts';

/** Python's repr() of a float: shortest round-trip digits, exponent when < 1e-4 or >= 1e16. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e16) {
    // Python writes these positionally, as JS's String() does (it switches to exponents only
    // beyond this range), with the same shortest round-trip digits: one conversion.
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  // toExponential() without digits gives the shortest round-trip digits, like Python's repr.
  const [mant, expStr] = x.toExponential().split('e');
  const exp = Number(expStr);
  return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** A CSV field quoted as pandas does (only when needed). */
export function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface CsvFile {
  name: string;
  content: string;
}

/** predicted_labels.csv: columns as CellTypist's to_table/to_adata. */
export function predictedLabelsCsv(r: AnnotationResult): string {
  const cols = ['predicted_labels'];
  if (r.majority_voting) cols.push('over_clustering', 'majority_voting');
  cols.push('conf_score');
  const lines = [[''].concat(cols).map(csvField).join(',')];
  for (let i = 0; i < r.cell_ids.length; i++) {
    const row = [r.cell_ids[i], r.predicted_labels[i]];
    if (r.majority_voting) row.push(r.over_clustering![i], r.majority_voting[i]);
    lines.push(row.map(csvField).join(',') + ',' + pyFloat(r.conf_score[i]));
  }
  return lines.join('\n') + '\n';
}

/** A cells × labels matrix as CSV. */
export function matrixCsv(r: AnnotationResult, m: Float64Array): string {
  const L = r.labels.length;
  const lines = [[''].concat(r.labels).map(csvField).join(',')];
  for (let i = 0; i < r.cell_ids.length; i++) {
    let line = csvField(r.cell_ids[i]);
    for (let c = 0; c < L; c++) line += ',' + pyFloat(m[i * L + c]);
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}

/** All CellTypist tables for a result (`prefix` as CellTypist's --prefix). */
export function toTable(r: AnnotationResult, prefix = ''): CsvFile[] {
  const out: CsvFile[] = [{ name: `${prefix}predicted_labels.csv`, content: predictedLabelsCsv(r) }];
  if (r.decision_matrix) out.push({ name: `${prefix}decision_matrix.csv`, content: matrixCsv(r, r.decision_matrix) });
  if (r.probability_matrix) out.push({ name: `${prefix}probability_matrix.csv`, content: matrixCsv(r, r.probability_matrix) });
  if (r.umap) out.push({ name: `${prefix}umap.csv`, content: embeddingCsv(r.cell_ids, r.umap, ['UMAP1', 'UMAP2']) });
  return out;
}

/** A row-major embedding (cells × columns.length) as CSV with the cell ids as index. */
export function embeddingCsv(cellIds: string[], coords: ArrayLike<number>, columns: string[]): string {
  const k = columns.length;
  const lines = ['', ...columns].join(',') + '\n';
  const rows = cellIds.map((id, i) => [csvField(id), ...columns.map((_, d) => pyFloat(coords[i * k + d]))].join(','));
  return lines + rows.join('\n') + '\n';
}

/** Cell-type counts and proportions per group (e.g. per sample), long format. */
export function proportionsCsv(labels: string[], groups: string[]): string {
  const counts = new Map<string, Map<string, number>>();
  const totals = new Map<string, number>();
  labels.forEach((l, i) => {
    const g = groups[i];
    if (!counts.has(g)) counts.set(g, new Map());
    const m = counts.get(g)!;
    m.set(l, (m.get(l) ?? 0) + 1);
    totals.set(g, (totals.get(g) ?? 0) + 1);
  });
  const lines = ['group,cell_type,count,proportion'];
  for (const g of [...counts.keys()].sort()) {
    for (const [l, c] of [...counts.get(g)!.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      lines.push([csvField(g), csvField(l), String(c), pyFloat(c / totals.get(g)!)].join(','));
    }
  }
  return lines.join('\n') + '\n';
}
