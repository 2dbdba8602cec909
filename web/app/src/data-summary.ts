/** The first lines of the data summary: file name(s), size, and for count formats the format and orientation. */
import type { H5adSummary } from '../../engine/h5ad/read.ts';
import type { InputFormat } from '../../engine/formats/reader.ts';

const fmt = (n: number) => n.toLocaleString('en-US');

/** What to call the dropped input: the file, the folder of several files, or the file list. */
export function inputLabel(files: File[]): string {
  if (files.length === 1) return files[0].name;
  const folder = (files[0] as File & { webkitRelativePath?: string }).webkitRelativePath?.split('/')[0];
  return folder ? `${folder}/ (${files.length} files)` : files.map((f) => f.name).join(' + ');
}

export function formatLines(label: string, s: H5adSummary & { format?: InputFormat }): string | null {
  if (!s.format) return null;
  return (
    `${label}: ${fmt(s.n_obs)} cells × ${fmt(s.n_vars)} genes\n` +
    `Format: ${s.format.name}, ${s.format.orientation}${s.format.orientation === 'genes × cells' ? ' (read cell by cell)' : ''}\n` +
    'Expression: raw counts, normalized to 10,000 per cell + log1p before prediction, as CellTypist does'
  );
}
