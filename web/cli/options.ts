/**
 * The command line's one option parser. Every flag of every command is declared once, in
 * OPTIONS (its kind and its one-letter form); a command names the flags it takes and gets their
 * values back typed, so `annotate`, `compare`, `dotplot`, `train`, `models`, `subset` and
 * `convert` share each declaration, and the flags that `annotate` and `compare` both turn into
 * engine options (RUN_OPTIONS: what to read and how to label it) are parsed by one function,
 * refusing the same mistakes with the same messages.
 */
import { parseArgs } from 'node:util';
import type { NodeAnnotateOptions } from '../engine/node.ts';
import { CellTypistError } from '../engine/types.ts';

/** Every flag of the command line: its kind and short form (the help texts are in usage.ts). */
export const OPTIONS = {
  input: { type: 'string', short: 'i' },
  indata: { type: 'string' },
  model: { type: 'string', short: 'm' },
  outdir: { type: 'string', short: 'o' },
  out: { type: 'string', short: 'o' },
  // annotate, compare: the run
  mode: { type: 'string' },
  'p-thres': { type: 'string' },
  'majority-voting': { type: 'boolean' },
  'over-clustering': { type: 'string' },
  'min-prop': { type: 'string' },
  seed: { type: 'string' },
  // the input and its genes
  'gene-column': { type: 'string' },
  'transpose-input': { type: 'boolean' },
  'gene-file': { type: 'string' },
  'cell-file': { type: 'string' },
  'gene-map': { type: 'string' },
  'no-convert': { type: 'boolean' },
  'all-orthologs': { type: 'boolean' },
  normalize: { type: 'boolean' },
  // the engine
  variant: { type: 'string' },
  threads: { type: 'string' },
  quiet: { type: 'boolean' },
  // annotate: outputs
  umap: { type: 'boolean' },
  prefix: { type: 'string' },
  'write-h5ad': { type: 'boolean' },
  'write-h5ad-light': { type: 'boolean' },
  plot: { type: 'string' },
  'no-matrices': { type: 'boolean' },
  'conf-by': { type: 'string' },
  'cell-ontology': { type: 'boolean' },
  'colour-genes': { type: 'string' },
  'color-genes': { type: 'string' },
  // train
  labels: { type: 'string' },
  'feature-selection': { type: 'boolean' },
  'top-genes': { type: 'string' },
  'use-sgd': { type: 'boolean' },
  'mini-batch': { type: 'boolean' },
  'batch-size': { type: 'string' },
  'batch-number': { type: 'string' },
  epochs: { type: 'string' },
  'balance-cell-type': { type: 'boolean' },
  'no-mean': { type: 'boolean' },
  C: { type: 'string' },
  'max-iter': { type: 'string' },
  details: { type: 'string' },
  version: { type: 'string' },
  source: { type: 'string' },
  url: { type: 'string' },
  // subset
  types: { type: 'string' },
  // models
  show: { type: 'string' },
  top: { type: 'string' },
  json: { type: 'boolean' },
  download: { type: 'string' },
  mirror: { type: 'string' },
  from: { type: 'string' },
  // every command that takes a catalog model name
  'model-mirror': { type: 'string' },
  type: { type: 'string' },
  // dotplot
  groupby: { type: 'string' },
  genes: { type: 'string' },
  'standard-scale': { type: 'string' },
  'use-raw': { type: 'boolean' },
  table: { type: 'string' },
  title: { type: 'string' },
  scale: { type: 'string' },
} as const satisfies Record<string, { type: 'string' | 'boolean'; short?: string }>;

export type OptionName = keyof typeof OPTIONS;

type ValueOf<N extends OptionName> = (typeof OPTIONS)[N]['type'] extends 'boolean' ? boolean : string;

/** The parsed values of the flags K; those in M may be given several times (an array, in order). */
export type OptionValues<K extends OptionName, M extends K = never> = { [N in K]?: N extends M ? ValueOf<N>[] : ValueOf<N> };

/**
 * Parses `args` for the flags `names` (strictly: an unknown flag or a missing value throws
 * Node's TypeError, which main.ts answers with the usage). Flags in `multiple` collect every
 * value given; for the others the last one given wins.
 */
export function parseOptions<K extends OptionName, M extends K = never>(args: readonly string[], names: readonly K[], multiple: readonly M[] = []): OptionValues<K, M> {
  const r = parseArgs({ args, options: spec(names, multiple), strict: true, allowPositionals: true });
  const stray = r.positionals[0];
  if (stray !== undefined) {
    // `annotate data.h5ad` is the commonest slip (CellTypist's own CLI and scanpy take the file first).
    const hint = (names as readonly string[]).includes('input') && !(r.values as { input?: unknown }).input ? `: give the input file with its flag, -i ${stray}` : ': every value follows its flag';
    throw new TypeError(`Unexpected argument '${stray}'${hint}`);
  }
  return r.values as OptionValues<K, M>;
}

/** parseOptions for a command that also takes names after its flags (`models --mirror DIR NAME…`). */
export function parseOptionsAndNames<K extends OptionName>(args: readonly string[], names: readonly K[]): { values: OptionValues<K>; names: string[] } {
  const r = parseArgs({ args, options: spec(names, []), strict: true, allowPositionals: true });
  return { values: r.values as OptionValues<K>, names: r.positionals };
}

function spec(names: readonly OptionName[], multiple: readonly OptionName[]) {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const n of names) options[n] = multiple.includes(n) ? { ...OPTIONS[n], multiple: true } : OPTIONS[n];
  return options;
}

/** The flags that `annotate` and `compare` share, turned into engine options by runOptions. */
export const RUN_OPTIONS = [
  'input',
  'outdir',
  'mode',
  'p-thres',
  'majority-voting',
  'over-clustering',
  'min-prop',
  'seed',
  'gene-column',
  'transpose-input',
  'gene-file',
  'cell-file',
  'gene-map',
  'no-convert',
  'all-orthologs',
  'normalize',
  'variant',
  'threads',
  'quiet',
] as const satisfies readonly OptionName[];

/** The parsed values of RUN_OPTIONS. */
export type RunValues = OptionValues<(typeof RUN_OPTIONS)[number]>;

/** A numeric option, refused with its name when it is not a number. */
export function number(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new CellTypistError('bad_option', `--${name} expects a number, got '${v}'`);
  return x;
}

/** Engine options of the shared flags, checked (mode, variant, numbers). */
export function runOptions(values: RunValues) {
  const mode = (values.mode ?? 'best_match').replace(' ', '_');
  if (mode !== 'best_match' && mode !== 'prob_match') throw new CellTypistError('bad_option', `--mode must be best_match or prob_match, not '${values.mode}'`);
  const variant = values.variant ?? 'auto';
  if (variant !== 'auto' && variant !== 'simd' && variant !== 'simd-threads') throw new CellTypistError('bad_option', `--variant must be auto, simd or simd-threads, not '${variant}'`);
  return {
    mode,
    p_thres: number(values['p-thres'], 'p-thres', 0.5),
    majority_voting: values['majority-voting'] ?? false,
    over_clustering: values['over-clustering'],
    min_prop: number(values['min-prop'], 'min-prop', 0),
    seed: number(values.seed, 'seed', 0),
    gene_column: values['gene-column'],
    transpose_input: values['transpose-input'] ?? false,
    gene_file: values['gene-file'],
    cell_file: values['cell-file'],
    gene_map: values['gene-map'],
    convert_orthologs: !values['no-convert'],
    ortholog_unique_only: !values['all-orthologs'],
    normalize_counts: values.normalize ?? false,
    variant,
    // Unset unless given: with --variant auto, small inputs then run on the SIMD build (node.ts chooseVariant).
    n_threads: values.threads === undefined ? undefined : number(values.threads, 'threads', 2),
  } satisfies NodeAnnotateOptions;
}
