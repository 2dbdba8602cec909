/**
 * CellTypist's tables as Blobs assembled from row-chunk strings: no whole-file string is ever
 * held (a 1M-cell table would not fit in one JS string).
 */
import { csvField, pyFloat } from '../../engine/export/csv.ts';
import { type CompactResult, valueAt } from '../../engine/worker/compact.ts';

const ROWS_PER_PART = 4096;

/** Python repr of a float32 value: its shortest digits that read back as the same float32. */
export function float32Repr(x: number): string {
  if (!Number.isFinite(x) || x === 0) return pyFloat(x);
  for (let p = 1; p <= 9; p++) {
    const v = Number(x.toPrecision(p));
    if (Math.fround(v) === Math.fround(x)) return pyFloat(v);
  }
  return pyFloat(x);
}

function blobOf(header: string, n: number, row: (i: number) => string): Blob {
  const parts: string[] = [header];
  for (let s = 0; s < n; s += ROWS_PER_PART) {
    let part = '';
    for (let i = s, e = Math.min(n, s + ROWS_PER_PART); i < e; i++) part += row(i);
    parts.push(part);
  }
  return new Blob(parts, { type: 'text/csv' });
}

/** predicted_labels.csv (columns as CellTypist's to_table) of the cells `rows` (default all). */
export function labelsCsvBlob(r: CompactResult, rows?: ArrayLike<number>, extra?: { name: string; values: ArrayLike<number> }[]): Blob {
  const cols = ['predicted_labels'];
  if (r.majority_voting) cols.push('over_clustering', 'majority_voting');
  cols.push('conf_score', ...(extra ?? []).map((e) => e.name));
  const n = rows ? rows.length : r.cell_ids.length;
  return blobOf([''].concat(cols).map(csvField).join(',') + '\n', n, (k) => {
    const i = rows ? rows[k] : k;
    let line = csvField(r.cell_ids[i]) + ',' + csvField(valueAt(r.predicted, i));
    if (r.majority_voting) line += ',' + csvField(valueAt(r.over_clustering!, i)) + ',' + csvField(valueAt(r.majority_voting, i));
    line += ',' + float32Repr(r.conf_score[i]);
    for (const e of extra ?? []) line += ',' + float32Repr(e.values[i]);
    return line + '\n';
  });
}
