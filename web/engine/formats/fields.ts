/**
 * Splitting a text line into fields as scanpy's text reader does: on a given delimiter (',' for
 * .csv), or on runs of blanks when there is none (.txt/.tsv/.tab, like Python's str.split()).
 * Callbacks receive byte ranges, so numbers need no intermediate strings.
 */
import { text } from './lines.ts';

export type Delimiter = number | null;

/** Calls fn(start, end, index) for each field of the line; returns the number of fields. */
export function forEachField(line: Uint8Array, delim: Delimiter, fn: (s: number, e: number, i: number) => void): number {
  const n = line.length;
  let k = 0;
  if (delim !== null) {
    let s = 0;
    for (let i = 0; i <= n; i++) {
      if (i === n || line[i] === delim) {
        fn(s, i, k++);
        s = i + 1;
      }
    }
    return k;
  }
  let i = 0;
  for (;;) {
    while (i < n && (line[i] === 32 || line[i] === 9)) i++;
    if (i >= n) return k;
    const s = i;
    while (i < n && line[i] !== 32 && line[i] !== 9) i++;
    fn(s, i, k++);
  }
}

/** The fields of a line as strings, surrounding double quotes removed (as scanpy strips names). */
export function fieldStrings(line: Uint8Array, delim: Delimiter): string[] {
  const out: string[] = [];
  forEachField(line, delim, (s, e) => out.push(unquote(text(line.subarray(s, e)))));
  return out;
}

export function unquote(s: string): string {
  return s.replace(/^"+|"+$/g, '');
}

/** True for lines with nothing but blanks. */
export function isBlank(line: Uint8Array): boolean {
  for (let i = 0; i < line.length; i++) if (line[i] !== 32 && line[i] !== 9) return false;
  return true;
}
