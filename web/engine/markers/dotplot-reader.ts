/**
 * A dotplot of an h5ad file: cells grouped by an obs column (or given labels), genes looked up
 * in var, and only those genes' columns streamed from X (or raw/X). Memory: the groups' codes
 * (4 bytes per cell) plus one chunk; works on files of millions of cells.
 */
import { findSymbolColumn, looksLikeEnsembl } from '../genes/identifiers.ts';
import type { H5adReader, MatrixSource } from '../h5ad/read.ts';
import { CellTypistError } from '../types.ts';
import { DotplotAccumulator, type DotplotValues, type StandardScale } from './dotplot.ts';
import { streamGeneColumns } from './gene-columns.ts';
import { type CellGroups, groupsFromLabels, groupsFromObs } from './groups.ts';

export interface DotplotOptions {
  /** obs column to group cells by (categorical order, else sorted); or give `labels`. */
  groupby?: string;
  /** One label per cell (e.g. predicted labels of a run), grouped in sorted order. */
  labels?: ArrayLike<string>;
  /** Cells already grouped (e.g. by groupsFromObs, to pick genes from the groups first). */
  groups?: CellGroups;
  /** Genes to plot, in plot order (duplicates dropped). */
  genes: string[];
  /** 'var' (default, CellTypist's tutorial), 'group' or 'none'. */
  standard_scale?: StandardScale;
  /** X (default, scanpy's use_raw=False) or raw/X. */
  source?: MatrixSource;
  /** var column holding gene names (default: the var index, or a symbol column when the index holds Ensembl IDs). */
  gene_column?: string;
  /** Most groups taken from a numeric obs column (default 100). */
  max_numeric_groups?: number;
  chunk_rows?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export interface DotplotResult extends DotplotValues {
  /** Requested genes not found in the data (not plotted). */
  missing_genes: string[];
  /** Requested genes given more than once (plotted once). */
  duplicate_genes: string[];
  n_cells: number;
  /** What the user should know (genes not found, named; duplicates dropped). */
  warnings: string[];
}

interface GeneLookup {
  names: string[];
  columns: number[];
  missing: string[];
  duplicates: string[];
}

/** Where each requested gene is in var (first occurrence, like anndata's make-unique). */
export function lookupGenes(varNames: string[], wanted: string[]): GeneLookup {
  const index = new Map<string, number>();
  varNames.forEach((g, i) => index.has(g) || index.set(g, i));
  const seen = new Set<string>();
  const out: GeneLookup = { names: [], columns: [], missing: [], duplicates: [] };
  for (const g of wanted) {
    if (seen.has(g)) {
      out.duplicates.push(g);
      continue;
    }
    seen.add(g);
    const i = index.get(g);
    if (i === undefined) out.missing.push(g);
    else {
      out.names.push(g);
      out.columns.push(i);
    }
  }
  return out;
}

function geneNames(reader: H5adReader, source: MatrixSource, column?: string): string[] {
  if (column) return reader.varNames(source, column);
  const index = reader.varNames(source);
  const symbols = looksLikeEnsembl(index) ? findSymbolColumn(reader.varColumns(source)) : undefined;
  return symbols ? reader.varNames(source, symbols) : index;
}

function missingMessage(missing: string[], varNames: string[]): string {
  const lower = new Map(varNames.map((g) => [g.toLowerCase(), g]));
  const hints = missing.map((g) => lower.get(g.toLowerCase())).filter((g): g is string => !!g);
  const list = missing.slice(0, 20).join(', ') + (missing.length > 20 ? `, … (${missing.length} in all)` : '');
  return `${missing.length === 1 ? 'gene' : 'genes'} not found in the data: ${list}${hints.length ? ` (did you mean ${hints.slice(0, 5).join(', ')}? names are case-sensitive)` : ''}`;
}

function cellGroups(reader: H5adReader, o: DotplotOptions): CellGroups {
  if (o.groups) return o.groups;
  if (o.labels) {
    if (o.labels.length !== reader.summary.n_obs) throw new CellTypistError('bad_labels', `${o.labels.length} labels given for ${reader.summary.n_obs} cells`);
    return groupsFromLabels(o.labels);
  }
  if (!o.groupby) throw new CellTypistError('bad_option', 'a dotplot needs groups: an obs column to group by (e.g. predicted_labels)');
  return groupsFromObs(reader, o.groupby, { max_numeric_groups: o.max_numeric_groups });
}

/** Computes the dotplot of `options.genes` over the cells grouped as asked. */
export function dotplotReader(reader: H5adReader, options: DotplotOptions): DotplotResult {
  const source = options.source ?? 'X';
  const groups = cellGroups(reader, options);
  if (groups.names.length === 0) throw new CellTypistError('no_groups', `no cell has a value in '${options.groupby ?? 'labels'}': nothing to group`);
  const varNames = geneNames(reader, source, options.gene_column);
  const genes = lookupGenes(varNames, options.genes.map((g) => g.trim()).filter(Boolean));
  if (genes.names.length === 0) {
    throw new CellTypistError('no_genes', options.genes.length ? `none of the genes is in the data: ${missingMessage(genes.missing, varNames)}` : 'no genes to plot: give gene names (or a model to take its top markers)');
  }
  const acc = new DotplotAccumulator(groups, genes.names);
  streamGeneColumns(reader, genes.columns, (c, s, v) => acc.add(c, s, v), {
    source,
    chunk_rows: options.chunk_rows,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  const warnings: string[] = [];
  if (genes.missing.length) warnings.push(`${missingMessage(genes.missing, varNames)}; plotted the other ${genes.names.length}`);
  if (genes.duplicates.length) warnings.push(`genes given more than once (plotted once): ${genes.duplicates.join(', ')}`);
  return {
    ...acc.finish(options.standard_scale ?? 'var'),
    missing_genes: genes.missing,
    duplicate_genes: genes.duplicates,
    n_cells: reader.summary.n_obs,
    warnings,
  };
}
