/**
 * The dotplot as a long table, one row per group × gene (groups in plot order, then genes):
 * `group,gene,fraction,mean_expression`, where mean_expression is the scaled mean that colours
 * the dot (the layout of the reference values in ../shared/fixtures). Floats as Python's repr.
 */
import { csvField, pyFloat } from '../export/csv.ts';
import type { DotplotValues } from './dotplot.ts';

export function dotplotCsv(d: DotplotValues): string {
  const lines = ['group,gene,fraction,mean_expression'];
  const n = d.genes.length;
  d.groups.forEach((g, i) => {
    d.genes.forEach((gene, j) => {
      lines.push(`${csvField(g)},${csvField(gene)},${pyFloat(d.fraction[i * n + j])},${pyFloat(d.scaled_mean[i * n + j])}`);
    });
  });
  return lines.join('\n') + '\n';
}
