/**
 * `celltypist-wasm train`: celltypist.train on a labelled reference .h5ad, written as a
 * CellTypist model .pkl (loadable by CellTypist and scikit-learn).
 */
import path from 'node:path';
import { makeOutputFolder, writeFileAtomic } from '../engine/export/atomic-file.ts';
import { train } from '../engine/node.ts';
import { number, parseOptions } from './options.ts';
import { progressPrinter } from './progress.ts';
import { TRAIN_USAGE, USAGE } from './usage.ts';

/** train's flags (celltypist.train's arguments). */
export const TRAIN_OPTIONS = [
  'input', 'labels', 'out', 'feature-selection', 'top-genes', 'use-sgd', 'mini-batch', 'batch-size', 'batch-number', 'epochs', 'balance-cell-type',
  'no-mean', 'C', 'max-iter', 'details', 'version', 'source', 'url', 'gene-column', 'normalize', 'seed', 'threads', 'variant', 'quiet',
] as const;

export async function trainCommand(args: string[]): Promise<number> {
  const values = parseOptions(args, TRAIN_OPTIONS);
  if (!values.input || !values.labels || !values.out) {
    process.stderr.write(`error: --input, --labels and --out are required\n${USAGE}${TRAIN_USAGE}`);
    return 2;
  }
  if (values['mini-batch'] && !values['use-sgd']) process.stderr.write('note: --mini-batch has no effect without --use-sgd\n');
  const quiet = values.quiet ?? false;
  const r = await train(
    values.input,
    {
      labels: values.labels,
      feature_selection: values['feature-selection'] ?? false,
      top_genes: number(values['top-genes'], 'top-genes', 300),
      use_sgd: values['use-sgd'] ?? false,
      mini_batch: (values['use-sgd'] && values['mini-batch']) ?? false,
      batch_size: number(values['batch-size'], 'batch-size', 1000),
      batch_number: number(values['batch-number'], 'batch-number', 100),
      epochs: number(values.epochs, 'epochs', 10),
      balance_cell_type: values['balance-cell-type'] ?? false,
      with_mean: !values['no-mean'],
      C: number(values.C, 'C', 1),
      max_iter: number(values['max-iter'], 'max-iter', 0),
      details: values.details ?? '',
      version: values.version ?? '',
      source: values.source ?? '',
      url: values.url ?? '',
      gene_column: values['gene-column'],
      normalize_counts: values.normalize ?? false,
      seed: number(values.seed, 'seed', 0),
      variant: (values.variant ?? 'auto') as 'auto' | 'simd' | 'simd-threads',
      n_threads: number(values.threads, 'threads', 2),
    },
    progressPrinter(process.stderr, quiet),
  );
  makeOutputFolder(path.dirname(path.resolve(values.out)));
  writeFileAtomic(values.out, r.bytes);
  if (!quiet) {
    for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stderr.write(
      `\ntrained ${r.info.estimator} on ${r.n_cells.toLocaleString('en-US')} cells: ${r.info.labels.length} cell types, ${r.info.n_features.toLocaleString('en-US')} genes, ` +
        `${r.seconds.toFixed(2)} s${r.converged ? '' : ' (not converged)'}\nwrote ${values.out}\n`,
    );
  }
  return 0;
}
