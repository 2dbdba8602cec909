/**
 * The values of scanpy's `sc.pl.dotplot` (1.10): for each group × gene, the fraction of the
 * group's cells with expression > 0 (dot size) and the group's mean expression (dot colour),
 * optionally min-max scaled per gene (`standard_scale='var'`) or per group (`'group'`), where
 * a constant row or column becomes 0 (pandas' `fillna(0)` after 0/0).
 *
 * Accumulation is streaming: `DotplotAccumulator.add` takes one nonzero at a time, so the
 * matrix is never held; only groups × genes sums and counts are kept.
 */
import type { CellGroups } from './groups.ts';

export type StandardScale = 'var' | 'group' | 'none';

/** Dotplot values; matrices are row-major groups × genes. */
export interface DotplotValues {
  groups: string[];
  genes: string[];
  /** Cells per group. */
  group_sizes: number[];
  /** Share of the group's cells with expression > 0. */
  fraction: Float64Array;
  /** The group's mean expression, unscaled. */
  mean: Float64Array;
  /** `mean` after standard_scale (equal to `mean` for 'none'). */
  scaled_mean: Float64Array;
  standard_scale: StandardScale;
}

export class DotplotAccumulator {
  private readonly sum: Float64Array;
  private readonly positive: Float64Array;

  constructor(
    private readonly groups: CellGroups,
    private readonly genes: string[],
  ) {
    this.sum = new Float64Array(groups.names.length * genes.length);
    this.positive = new Float64Array(groups.names.length * genes.length);
  }

  /** One nonzero value of gene slot `slot` in cell `cell`. */
  add(cell: number, slot: number, value: number): void {
    const g = this.groups.codes[cell];
    if (g < 0) return;
    const k = g * this.genes.length + slot;
    this.sum[k] += value;
    if (value > 0) this.positive[k]++;
  }

  finish(standardScale: StandardScale): DotplotValues {
    const nGenes = this.genes.length;
    const fraction = new Float64Array(this.sum.length);
    const mean = new Float64Array(this.sum.length);
    this.groups.sizes.forEach((size, g) => {
      for (let j = 0; j < nGenes; j++) {
        fraction[g * nGenes + j] = this.positive[g * nGenes + j] / size;
        mean[g * nGenes + j] = this.sum[g * nGenes + j] / size;
      }
    });
    return {
      groups: this.groups.names,
      genes: this.genes,
      group_sizes: Array.from(this.groups.sizes),
      fraction,
      mean,
      scaled_mean: scale(mean, this.groups.names.length, nGenes, standardScale),
      standard_scale: standardScale,
    };
  }
}

/** Min-max scaling of a rows × cols matrix along genes ('var': per column) or groups ('group': per row). */
export function scale(m: Float64Array, rows: number, cols: number, how: StandardScale): Float64Array {
  const out = Float64Array.from(m);
  if (how === 'none') return out;
  const perColumn = how === 'var';
  const lines = perColumn ? cols : rows;
  const len = perColumn ? rows : cols;
  const at = (line: number, i: number) => (perColumn ? i * cols + line : line * cols + i);
  for (let line = 0; line < lines; line++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < len; i++) {
      lo = Math.min(lo, m[at(line, i)]);
      hi = Math.max(hi, m[at(line, i)]);
    }
    const range = hi - lo;
    for (let i = 0; i < len; i++) out[at(line, i)] = range > 0 ? (m[at(line, i)] - lo) / range : 0;
  }
  return out;
}
