/** The #colour-gene completion list, made in the workers that read the file's gene names. */
import type { GeneNames } from '../../engine/markers/gene-values.ts';

/** Names and symbols once each, for a search box's completion (symbols first). */
export function completionList(g: GeneNames): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of [g.symbols ?? [], g.names]) {
    for (const s of list) {
      if (s && !seen.has(s)) {
        seen.add(s);
        out.push(s);
      }
    }
  }
  return out;
}
