/**
 * Training a CellTypist model from a labelled .h5ad, as `celltypist.train`: the matrix CellTypist
 * would use (X, or raw/X when X is scaled; raw counts normalized in-stream on request), gene
 * names (var index or a symbol column), one label per cell from an obs column; rows streamed
 * into the wasm trainer in chunks, then L-BFGS logistic regression or SGD, optional feature
 * selection. Returns the model as CellTypist .pkl bytes (loadable by CellTypist and sklearn).
 */
import { chooseInput } from './h5ad/normalization.ts';
import { makeUnique } from './genes/unique.ts';
import type { H5adReader } from './h5ad/read.ts';
import { modelDataOf, writeModelPickle } from './models/pickle-writer.ts';
import { CellTypistError, type ModelInfo, type ProgressCallback } from './types.ts';
import type { CoreModule, CoreTrainOptions } from './wasm/core.ts';
import { forEachHeapChunk } from './wasm/heap-chunks.ts';

export interface TrainOptions extends Omit<CoreTrainOptions, 'n_threads'> {
  /** obs column with the cell-type labels. */
  labels: string;
  /** var column with gene symbols (default: the var index). */
  gene_column?: string;
  /** Normalize raw counts to 10,000 per cell + log1p in-stream (default false). */
  normalize_counts?: boolean;
  /** Rows per chunk streamed to the core (default 4096). */
  chunk_rows?: number;
}

export interface TrainContext {
  core: CoreModule;
  n_threads?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface TrainResult {
  /** The model file (CellTypist .pkl). */
  bytes: Uint8Array;
  info: ModelInfo & { n_features: number };
  n_cells: number;
  /** The optimizer met its tolerance for every cell type. */
  converged: boolean;
  iterations: number;
  seconds: number;
  warnings: string[];
}

const STEPS: Record<string, [number, string]> = {
  scale: [0.5, 'scaling the genes'],
  fit: [0.55, 'fitting one-vs-rest logistic regression'],
  select: [0.75, 'selecting the top genes of each cell type'],
  refit: [0.8, 'refitting on the selected genes'],
  done: [1, 'model trained'],
};

export async function trainReader(reader: H5adReader, options: TrainOptions, ctx: TrainContext): Promise<TrainResult> {
  const { core, onProgress, signal } = ctx;
  const t0 = performance.now();
  onProgress?.({ stage: 'train', fraction: 0, message: 'checking the expression matrix' });
  const choice = chooseInput(reader, { normalize_counts: options.normalize_counts });
  const warnings = [...choice.warnings];
  const info = reader.matrix(choice.source);
  const n = info.n_rows;
  if (!reader.summary.obs_columns.some((c) => c.name === options.labels)) {
    throw new CellTypistError(
      'no_labels',
      `the file has no obs column '${options.labels}' with cell-type labels (columns: ${reader.summary.obs_columns.map((c) => c.name).join(', ') || 'none'})`,
    );
  }
  const col = reader.readObsColumn(options.labels);
  const labels = Array.isArray(col) ? col : Array.from(col, (v) => String(v));
  const missing = labels.filter((l) => l === '' || l === 'nan' || l === 'NaN').length;
  if (missing > 0) {
    throw new CellTypistError('missing_labels', `${missing.toLocaleString('en-US')} cells have no label in obs '${options.labels}': remove them or give them a label before training`);
  }
  const classes = new Set(labels);
  if (classes.size < 2) throw new CellTypistError('one_label', `obs '${options.labels}' has ${classes.size} distinct label(s): training needs at least 2 cell types`);
  if (classes.size > 0.5 * n && n > 20) {
    warnings.push(`obs '${options.labels}' has ${classes.size.toLocaleString('en-US')} distinct values for ${n.toLocaleString('en-US')} cells: is it really a cell-type column?`);
  }
  const genes = makeUnique(core, options.gene_column ? reader.varNames(choice.source, options.gene_column) : reader.varNames(choice.source));
  const trainer = new core.Trainer(info.n_cols);
  try {
    await forEachHeapChunk(core, reader, choice.source, { chunk_rows: options.chunk_rows, normalize: choice.normalize, signal, cancelled_message: 'training cancelled' }, (c) => {
      trainer.add_rows(c.data, c.indices, c.indptr, c.rows);
      onProgress?.({ stage: 'train', fraction: 0.5 * (c.end / n), message: `reading ${c.end.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} cells` });
    });
    const { labels: _l, gene_column: _g, normalize_counts: _n, chunk_rows: _c, ...core_options } = options;
    let trained;
    try {
      trained = trainer.train(genes, labels, { ...core_options, n_threads: ctx.n_threads ?? 1, date: options.date || new Date().toISOString().replace('T', ' ').replace('Z', '') }, (step) => {
        const [f, msg] = STEPS[step] ?? [0.5, step];
        onProgress?.({ stage: 'train', fraction: f, message: msg });
      });
    } catch (e) {
      throw new CellTypistError('train_failed', `training failed: ${(e as Error).message}`);
    }
    const m = trained.model;
    try {
      const bytes = writeModelPickle({
        ...modelDataOf(m),
        params: { C: options.C ?? 1, max_iter: options.max_iter || undefined, alpha: options.alpha ?? 1e-4, random_state: options.seed ?? 0 },
      });
      if (!trained.converged) warnings.push(`the optimizer stopped at ${trained.iterations} iterations before meeting its tolerance (as sklearn's ConvergenceWarning); a larger max_iter may help`);
      return {
        bytes,
        info: { labels: m.labels(), n_features: m.n_features(), estimator: m.estimator(), description: m.description() },
        n_cells: n,
        converged: trained.converged,
        iterations: trained.iterations,
        seconds: (performance.now() - t0) / 1000,
        warnings,
      };
    } finally {
      m.delete();
    }
  } finally {
    trainer.delete();
  }
}
