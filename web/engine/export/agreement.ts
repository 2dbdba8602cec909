/**
 * Agreement between several labelings of the same cells (e.g. several models): the share of
 * cells given the same label by each pair, as a symmetric matrix with 1 on the diagonal, and its
 * CSV. Labels are compared as strings, so models must share a vocabulary to agree (a coarse and a
 * fine model agree only where their names coincide; the cross-tab shows the mapping).
 */
import { csvField, pyFloat } from './csv.ts';

export interface Labeling {
  name: string;
  labels: ArrayLike<string>;
}

/** agreement[i][j] = share of cells with labels_i == labels_j. */
export function agreementMatrix(runs: Labeling[]): number[][] {
  const n = runs[0]?.labels.length ?? 0;
  for (const r of runs) if (r.labels.length !== n) throw new Error(`'${r.name}' has ${r.labels.length} labels, not ${n}`);
  return runs.map((a, i) =>
    runs.map((b, j) => {
      if (i === j) return 1;
      let same = 0;
      for (let k = 0; k < n; k++) if (a.labels[k] === b.labels[k]) same++;
      return n ? same / n : 0;
    }),
  );
}

export function agreementCsv(runs: Labeling[], m: number[][]): string {
  const head = ['', ...runs.map((r) => csvField(r.name))].join(',');
  return [head, ...runs.map((r, i) => [csvField(r.name), ...m[i].map(pyFloat)].join(','))].join('\n') + '\n';
}

/** One row per cell: the cell id, then each labeling's label. */
export function labelsCsv(cellIds: string[], runs: Labeling[]): string {
  const lines = [['', ...runs.map((r) => csvField(r.name))].join(',')];
  cellIds.forEach((id, k) => lines.push([csvField(id), ...runs.map((r) => csvField(r.labels[k]))].join(',')));
  return lines.join('\n') + '\n';
}

/** Distinct, file-safe names for models given as paths or catalog names. */
export function modelNames(args: string[]): string[] {
  const seen = new Map<string, number>();
  return args.map((a) => {
    const base = a.replace(/^.*[\\/]/, '').replace(/\.pkl$/i, '') || 'model';
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return k > 1 ? `${base}_${k}` : base;
  });
}
