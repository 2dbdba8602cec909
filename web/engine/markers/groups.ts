/**
 * Cells grouped by an obs column, ordered as scanpy orders a plot's groups: a categorical
 * column by its categories (unused ones dropped, like pandas' `groupby(observed=True)`), any
 * other column by its sorted distinct values (`astype('category')`). Cells whose value is
 * missing (NaN code) belong to no group.
 */
import { CellTypistError } from '../types.ts';

/** Cells assigned to groups: `codes[cell]` indexes `names`, or is -1 for no group. */
export interface CellGroups {
  /** Group names in plot order. */
  names: string[];
  codes: Int32Array;
  /** Cells in each group. */
  sizes: Float64Array;
}

export interface GroupOptions {
  /**
   * Most distinct values accepted from a numeric column (default 100). scanpy would cut a
   * numeric column into 7 bins; here a numeric column is taken as-is (cluster numbers), and a
   * continuous one is refused, since a plot of hundreds of groups answers nothing.
   */
  max_numeric_groups?: number;
}

function assign(values: ArrayLike<string | number>, names: (string | number)[]): CellGroups {
  const index = new Map<string | number, number>(names.map((n, i) => [n, i]));
  const codes = new Int32Array(values.length);
  const sizes = new Float64Array(names.length);
  for (let i = 0; i < values.length; i++) {
    const k = index.get(values[i]) ?? -1;
    codes[i] = k;
    if (k >= 0) sizes[k]++;
  }
  // Unused categories are dropped (pandas observed=True); renumber the rest.
  const keep = names.map((_, k) => sizes[k] > 0);
  if (keep.every(Boolean)) return { names: names.map(String), codes, sizes };
  const renum = new Int32Array(names.length).fill(-1);
  const kept: string[] = [];
  names.forEach((n, k) => {
    if (keep[k]) renum[k] = kept.push(String(n)) - 1;
  });
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) codes[i] = renum[codes[i]];
  return { names: kept, codes, sizes: Float64Array.from(sizes.filter((s) => s > 0)) };
}

/** Groups from string labels: in `categories` order when given, else sorted (pandas' category order). */
export function groupsFromLabels(labels: ArrayLike<string>, categories?: string[] | null): CellGroups {
  const names = categories ?? [...new Set(Array.from(labels))].filter((v) => v !== 'nan').sort();
  return assign(labels, names);
}

/** Groups from a numeric column: its distinct values sorted, refused when there are too many. */
export function groupsFromNumbers(column: string, values: Float64Array, options: GroupOptions = {}): CellGroups {
  const max = options.max_numeric_groups ?? 100;
  const distinct = [...new Set(values)].filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (distinct.length > max) {
    throw new CellTypistError(
      'too_many_groups',
      `obs column '${column}' is numeric with ${distinct.length.toLocaleString('en-US')} distinct values, too many groups for a dotplot (at most ${max}): group by a categorical column such as predicted_labels, majority_voting or a cluster column`,
    );
  }
  const g = assign(values, distinct);
  g.names = g.names.map((n) => String(Number(n)));
  return g;
}

/** Minimal reader surface needed here (an H5adReader). */
export interface ObsSource {
  summary: { obs_columns: { name: string }[] };
  readObsColumn(name: string): string[] | Float64Array;
  obsCategories(name: string): string[] | null;
}

/** Groups of the cells by the obs column `column` of a file. */
export function groupsFromObs(reader: ObsSource, column: string, options: GroupOptions = {}): CellGroups {
  const columns = reader.summary.obs_columns.map((c) => c.name);
  if (!columns.includes(column)) {
    const hint = columns.length ? ` Columns: ${columns.slice(0, 20).join(', ')}${columns.length > 20 ? ', …' : ''}.` : ' The file has no obs columns.';
    throw new CellTypistError('no_column', `obs has no column '${column}' to group cells by.${hint} Annotate first (annotate --write-h5ad) to group by predicted_labels or majority_voting.`);
  }
  const values = reader.readObsColumn(column);
  if (values instanceof Float64Array) return groupsFromNumbers(column, values, options);
  return groupsFromLabels(values, reader.obsCategories(column));
}
