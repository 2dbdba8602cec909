/**
 * The command-line options that `annotate` and `compare` share — what to read and how to label it
 * — declared once, with one parser into engine options, so both commands take the same inputs
 * (every format flag too) and refuse the same mistakes with the same messages.
 */
import type { NodeAnnotateOptions } from '../engine/node.ts';
import { CellTypistError } from '../engine/node.ts';

/** parseArgs declarations of the shared options (commands add their own). */
export const RUN_OPTIONS = {
  input: { type: 'string', short: 'i' },
  outdir: { type: 'string', short: 'o' },
  mode: { type: 'string' },
  'p-thres': { type: 'string' },
  'majority-voting': { type: 'boolean' },
  'over-clustering': { type: 'string' },
  'min-prop': { type: 'string' },
  seed: { type: 'string' },
  'gene-column': { type: 'string' },
  'transpose-input': { type: 'boolean' },
  'gene-file': { type: 'string' },
  'cell-file': { type: 'string' },
  'gene-map': { type: 'string' },
  'no-convert': { type: 'boolean' },
  'all-orthologs': { type: 'boolean' },
  normalize: { type: 'boolean' },
  variant: { type: 'string' },
  threads: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

/** The parsed values of RUN_OPTIONS. */
export type RunValues = { [K in keyof typeof RUN_OPTIONS]?: (typeof RUN_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

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
