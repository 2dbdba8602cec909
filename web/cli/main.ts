/**
 * celltypist-wasm CLI. Flags and output files mirror CellTypist's `celltypist` command:
 *
 *   celltypist-wasm annotate --input data.h5ad --model model.pkl --outdir out [--mode best_match|prob_match]
 *       [--p-thres 0.5] [--majority-voting] [--over-clustering OBS_KEY] [--min-prop 0] [--prefix P]
 *       [--gene-column COL] [--variant auto|simd|simd-threads] [--threads N] [--quiet]
 *   celltypist-wasm models --show model.pkl [--top 10]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeAnnotatedFile } from '../engine/export/h5ad-node.ts';
import { annotate, CellTypistError, modelInfo, train } from '../engine/node.ts';
import { progressPrinter } from './progress.ts';
import { TableFiles } from './table-files.ts';
import { ProbabilitySpill } from '../engine/export/score-spill-node.ts';
import { number, RUN_OPTIONS, runOptions } from './run-options.ts';
import { confScores } from '../engine/export/conf-score.ts';
import { memoryError } from '../engine/limits.ts';
import { makeOutputFolder, writeFileAtomic } from '../engine/export/atomic-file.ts';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fetchGeneTable, fetchModel } from '../engine/models/fetch.ts';
import { modelDataOf, writeModelPickle } from '../engine/models/pickle-writer.ts';
import { ORTHOLOG_TABLE } from '../engine/genes/orthologs.ts';
import { loadModel } from '../engine/annotate.ts';
import { loadCore } from '../engine/wasm/load.ts';
import { FileStore } from '../engine/models/file-store.ts';
import { findGeneTable, findModel } from '../engine/models/registry.ts';
import { nodeRegistry } from '../engine/models/registry-node.ts';

const registry = nodeRegistry;

/** A model argument is a .pkl path, or a catalog name downloaded (verified, cached) on first use. */
export async function resolveModel(arg: string, quiet: boolean): Promise<string | Uint8Array> {
  if (existsSync(arg)) return arg;
  if (/[\\/]/.test(arg)) throw new CellTypistError('not_found', `cannot read the model file '${arg}'`);
  const m = findModel(registry(), arg);
  const show = progressPrinter(process.stderr, quiet);
  const { bytes, from } = await fetchModel(m, {
    store: new FileStore(),
    onProgress: (p) => show({ stage: 'load_model', fraction: p.total ? p.loaded / p.total : 0, message: `${m.file} ${(p.loaded / 1e6).toFixed(1)} MB` }),
  });
  if (!quiet) process.stderr.write(`\nmodel ${m.name} ${m.version} ${from === 'cache' ? 'from the cache' : `downloaded from ${from}`}\n`);
  return bytes;
}

const USAGE = `usage:
  celltypist-wasm annotate -i DATA.h5ad -m MODEL.pkl [-o OUTDIR] [options]
  celltypist-wasm train -i REF.h5ad --labels OBS_COL -o MODEL.pkl [train options]
  celltypist-wasm subset -m MODEL.pkl --types "A,B,C" -o OUT.pkl   the model restricted to some cell types
  celltypist-wasm convert -m MODEL.pkl -o OUT.pkl [--gene-map FILE] [--all-orthologs]   human <-> mouse by orthologs
  celltypist-wasm compare -i DATA.h5ad -m A.pkl -m B.pkl [-m ...] [-o OUTDIR] [--majority-voting]   labels of several
                                                        models per cell, pairwise agreement and cross-tabs
  celltypist-wasm dotplot -i DATA.h5ad --groupby COL --genes A,B,C | -m MODEL [--top 2] [--table OUT.csv] [--out OUT.svg|png]
  celltypist-wasm models [--json]                       list the CellTypist model catalog
  celltypist-wasm models --show MODEL.pkl|NAME [--top N]   cell types (and top markers) of a model
  celltypist-wasm models --download NAME                 download a catalog model into the cache

annotate options (as CellTypist's command line):
  -i, --input, --indata PATH   query .h5ad (log1p-normalized to 10,000 counts in X or raw/X), or raw counts as
                               CellTypist reads them: a table (.csv/.txt/.tsv/.tab, optionally .gz; cells in rows,
                               gene-by-cell tables detected as CellTypist does), a .mtx[.gz] with --gene-file and
                               --cell-file, a Cell Ranger folder or its filtered_feature_bc_matrix.h5
  --transpose-input            the table or .mtx is genes × cells (CellTypist's --transpose-input)
  --gene-file PATH             genes of the .mtx, one per line (CellTypist's --gene-file)
  --cell-file PATH             cells of the .mtx, one per line (CellTypist's --cell-file)
  -m, --model PATH|NAME        CellTypist model .pkl, or a catalog name (downloaded, verified, cached)
  -o, --outdir DIR             output folder (default: current folder)
  --mode best_match|prob_match (default best_match)
  --p-thres P                  probability cut-off for prob_match (default 0.5)
  --majority-voting            refine labels by majority voting over clusters
  --over-clustering KEY        obs column with the over-clustering (default: automatic, as CellTypist:
                               the file's neighbour graph, else obsm X_pca, else HVG -> PCA -> kNN -> Leiden)
  --seed N                     random seed of the automatic over-clustering and UMAP (default 0)
  --umap                       also compute a 2-D UMAP layout (writes [PREFIX]umap.csv)
  --min-prop P                 minimum majority share, else Heterogeneous (default 0)
  --prefix P                   prefix for output file names
  --gene-column COL            var column with gene symbols (default: var index)
  --gene-map FILE              two-column ortholog map used when the model is of the other species (human vs
                               mouse symbols; default: CellTypist's Ensembl 105 table, downloaded once and cached)
  --no-convert                 never convert a model of the other species by orthologs
  --all-orthologs              convert with 1:N orthologs averaged (default: 1:1 only, as CellTypist)
  --conf-by predicted_labels|majority_voting   label whose probability is conf_score (default predicted_labels)
  --normalize                  if the data holds raw counts, normalize to 10,000 per cell + log1p on the fly
  --no-matrices                skip decision_matrix.csv and probability_matrix.csv (cells x cell types
                               each: 1M cells x 100 types is ~2 GB of text). CellTypist users hit
                               MemoryError building these two tables on large data; here they are
                               streamed to disk, but you may not need them.
  --write-h5ad                 also write OUTDIR/[PREFIX]annotated.h5ad (a new file: the input streamed through +
                               CellTypist's obs columns, obsm['probability_matrix'], uns['celltypist'] provenance)
  --write-h5ad-light           also write OUTDIR/[PREFIX]annotated_light.h5ad (annotations only: obs + obsm + uns)
  --plot FILE.png|FILE.svg     the results figure: majority voting, predicted labels, confidence on obsm X_umap
                               (else another 2-D obsm, else a UMAP computed from the over-clustering graph)
  --variant auto|simd|simd-threads   WebAssembly build (default auto)
  --threads N                  scoring threads for the threaded build (default 2; with --variant auto, inputs
                               up to 64 MB run on the single-threaded SIMD build unless --threads is given)
  --quiet                      no progress output
`;

const TRAIN_USAGE = `
train options (as celltypist.train):
  -i, --input PATH             labelled reference .h5ad (log1p-normalized to 10,000 counts in X or raw/X)
  --labels COL                 obs column with the cell types
  -o, --out PATH               model file to write (.pkl, loadable by CellTypist and scikit-learn)
  --feature-selection          two-pass training keeping each type's top genes (default off)
  --top-genes N                genes per cell type with --feature-selection (default 300)
  --use-sgd                    SGD logistic regression instead of L-BFGS
  --mini-batch                 mini-batch SGD (with --use-sgd); --batch-size 1000 --batch-number 100 --epochs 10
  --balance-cell-type          balance cell types in mini-batches
  --no-mean                    do not center genes when scaling (CellTypist's with_mean=False)
  --C C                        inverse L2 strength of logistic regression (default 1)
  --max-iter N                 iterations (default 1000 / 500 / 200 by number of cells)
  --details TEXT  --version V  --source S  --url U   description stored in the model
  --gene-column COL  --normalize  --threads N  --variant auto|simd|simd-threads  --quiet
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (COMMANDS.has(command) && (rest.includes('--help') || rest.includes('-h'))) {
      process.stdout.write(await commandUsage(command));
      return 0;
    }
    if (command === 'annotate') return await annotateCommand(rest);
    if (command === 'models') return await modelsCommand(rest);
    if (command === 'train') return await trainCommand(rest);
    if (command === 'compare') return await (await import('./compare.ts')).compareCommand(rest);
    if (command === 'dotplot') return await (await import('./dotplot.ts')).dotplotCommand(rest);
    if (command === 'subset' || command === 'convert') return await modelToolCommand(command, rest);
    if (command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(USAGE + TRAIN_USAGE + (await import('./dotplot.ts')).DOTPLOT_USAGE + (await import('./compare.ts')).COMPARE_USAGE);
      return 0;
    }
    process.stderr.write(`${command ? `unknown command '${command}'\n` : ''}${USAGE}`);
    return 2;
  } catch (e) {
    if (e instanceof CellTypistError) {
      process.stderr.write(`\nerror: ${(memoryError(e) ?? e).message}\n`);
      return 1;
    }
    if (e instanceof TypeError && /Unknown option|argument/.test(e.message)) {
      process.stderr.write(`error: ${e.message}\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`\nerror: ${(memoryError(e) ?? (e as Error)).message}\n`);
    return 1;
  }
}

const COMMANDS = new Set(['annotate', 'models', 'train', 'compare', 'dotplot', 'subset', 'convert']);

/** The usage text of one command (`celltypist-wasm COMMAND --help`). */
async function commandUsage(command: string): Promise<string> {
  if (command === 'train') return `usage: celltypist-wasm train -i REF.h5ad --labels OBS_COL -o MODEL.pkl [train options]\n${TRAIN_USAGE}`;
  if (command === 'dotplot') {
    return `usage: celltypist-wasm dotplot -i DATA.h5ad --groupby COL --genes A,B,C | -m MODEL [options]\n${(await import('./dotplot.ts')).DOTPLOT_USAGE}`;
  }
  if (command === 'compare') {
    return `usage: celltypist-wasm compare -i DATA.h5ad -m A.pkl -m B.pkl [-m ...] [-o OUTDIR] [options]\n${(await import('./compare.ts')).COMPARE_USAGE}`;
  }
  return USAGE;
}

async function annotateCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...RUN_OPTIONS,
      indata: { type: 'string' },
      model: { type: 'string', short: 'm' },
      umap: { type: 'boolean' },
      prefix: { type: 'string' },
      'write-h5ad': { type: 'boolean' },
      'write-h5ad-light': { type: 'boolean' },
      plot: { type: 'string' },
      'no-matrices': { type: 'boolean' },
      'conf-by': { type: 'string' },
    },
    strict: true,
  });
  const input = values.input ?? values.indata;
  if (!input || !values.model) {
    process.stderr.write(`error: --input and --model are required\n${USAGE}`);
    return 2;
  }
  const inputPath: string = input;
  const run = runOptions(values);
  if (values['over-clustering'] && !values['majority-voting']) {
    process.stderr.write('note: --over-clustering has no effect without --majority-voting\n');
  }
  const outdir = values.outdir ?? '.';
  const quiet = values.quiet ?? false;
  const wantH5ad = !!values['write-h5ad'] || !!values['write-h5ad-light'];
  if (wantH5ad && !/\.h5ad$/i.test(input)) {
    throw new CellTypistError('bad_option', `--write-h5ad adds the annotations to an .h5ad input; '${path.basename(input)}' is not one: leave out --write-h5ad (the CSV tables are written), or convert the data to .h5ad first`);
  }
  const plot = values.plot ? await import('./results-plot.ts') : null;
  if (values.plot && !/\.(png|svg)$/i.test(values.plot)) throw new CellTypistError('bad_option', `--plot must end in .png or .svg (got '${values.plot}')`);
  // The figure uses the file's embedding (h5ad), else a UMAP computed from the over-clustering graph.
  const plotBasis = plot && /\.h5ad$/i.test(input) ? await plot.findEmbedding(input) : null;
  const confByVoting = values['conf-by'] === 'majority_voting';
  const model = await resolveModel(values.model, quiet);
  // The tables are opened before the run (an unwritable folder fails at once) and streamed.
  const tables = new TableFiles(outdir, { prefix: values.prefix ?? '', matrices: !values['no-matrices'], umap: values.umap ?? false });
  // conf_score by majority voting and the annotated .h5ad need the probabilities after the run:
  // they are kept on disk while cells are scored, never as a matrix in memory.
  const confFromSpill = confByVoting && (values['majority-voting'] ?? false);
  const spill = wantH5ad || confFromSpill ? new ProbabilitySpill(outdir) : undefined;
  let result: Awaited<ReturnType<typeof annotate>>;
  const annotateOptions = {
    ...run,
    compute_umap: (values.umap ?? false) || (!!plot && !plotBasis),
    insert_conf_by: confByVoting ? 'majority_voting' : 'predicted_labels',
    return_matrices: false,
    table_sink: tables.sink,
    on_scores: spill?.add,
  } as const;
  // Annotated .h5ad files: new files streamed from the input (bounded memory), with provenance.
  async function writeH5adFiles() {
    for (const light of [false, true]) {
      if (!values[light ? 'write-h5ad-light' : 'write-h5ad']) continue;
      const out = path.join(outdir, `${values.prefix ?? ''}annotated${light ? '_light' : ''}.h5ad`);
      const name = typeof model === 'string' ? path.basename(model) : values.model;
      const w = await writeAnnotatedFile(inputPath, out, result, { model, model_name: name, options: annotateOptions, light, scores: spill!.stream() });
      result.stats.warnings.push(...w.warnings);
      files.push({ name: path.basename(out) });
    }
  }
  try {
    // The engine gives conf by predicted labels here; by voting it is taken from the spill below.
    const engineOptions = confFromSpill ? { ...annotateOptions, insert_conf_by: 'predicted_labels' as const } : annotateOptions;
    result = await annotate(input, model, engineOptions, progressPrinter(process.stderr, quiet));
    if (confFromSpill) result.conf_score = await confScores(spill!.stream(), result.labels, result.cell_ids.length, result.majority_voting);
    await tables.finish(result);
  } catch (e) {
    tables.discard();
    spill?.remove();
    throw e;
  }
  const files = tables.paths().map((p) => ({ name: path.basename(p) }));
  try {
    await writeH5adFiles();
  } finally {
    spill?.remove();
  }
  if (plot) {
    const on = await plot.writeResultsPlot(input, result, plotBasis, values.plot!, 2);
    if (!quiet) process.stderr.write(`results figure on ${on}: ${values.plot}\n`);
  }
  if (!quiet) {
    const s = result.stats;
    for (const w of s.warnings) process.stderr.write(`warning: ${w}\n`);
    if (s.over_clustering) {
      const from = { graph: "the file's neighbour graph", pca: "the file's X_pca", expression: 'the expression matrix (HVG, PCA, kNN)' }[s.over_clustering.source];
      process.stderr.write(
        `automatic over-clustering: ${s.over_clustering.n_clusters} Leiden clusters at resolution ${s.over_clustering.resolution} from ${from} in ${(s.timings.over_clustering ?? 0).toFixed(2)} s\n`,
      );
    }
    process.stderr.write(
      `${s.n_features_used.toLocaleString('en-US')} of ${s.n_features_model.toLocaleString('en-US')} model genes found in the data (${s.matrix}); ` +
        `${s.n_cells.toLocaleString('en-US')} cells annotated in ${s.timings.total.toFixed(2)} s (${s.engine_variant})\n` +
        `wrote ${files.map((f) => path.join(outdir, f.name)).join(', ')}\n`,
    );
  }
  return 0;
}

async function trainCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      input: { type: 'string', short: 'i' },
      labels: { type: 'string' },
      out: { type: 'string', short: 'o' },
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
      'gene-column': { type: 'string' },
      normalize: { type: 'boolean' },
      seed: { type: 'string' },
      threads: { type: 'string' },
      variant: { type: 'string' },
      quiet: { type: 'boolean' },
    },
    strict: true,
  });
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

/** subset / convert: load a model, transform it in the core, write it as a CellTypist .pkl. */
async function modelToolCommand(command: 'subset' | 'convert', args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { model: { type: 'string', short: 'm' }, out: { type: 'string', short: 'o' }, types: { type: 'string' }, 'gene-map': { type: 'string' }, 'all-orthologs': { type: 'boolean' } },
    strict: true,
  });
  if (!values.model || !values.out || (command === 'subset' && !values.types)) {
    process.stderr.write(`error: ${command} needs --model and --out${command === 'subset' ? ' and --types' : ''}\n${USAGE}`);
    return 2;
  }
  const { core } = await loadCore({ variant: 'simd' });
  const bytes = await resolveModel(values.model, true);
  const m = loadModel(core, typeof bytes === 'string' ? readFileSync(bytes) : bytes);
  try {
    let out;
    if (command === 'subset') {
      try {
        out = m.subset(values.types!.split(',').map((t) => t.trim()).filter(Boolean));
      } catch (e) {
        throw new CellTypistError('bad_subset', (e as Error).message);
      }
    } else {
      const map = values['gene-map'] ? readFileSync(values['gene-map']) : (await fetchGeneTable(findGeneTable(registry(), ORTHOLOG_TABLE), { store: new FileStore() })).bytes;
      const buf = core._malloc(map.length);
      try {
        core.HEAPU8.set(map, buf);
        out = m.convert(buf, map.length, !values['all-orthologs']).model;
      } catch (e) {
        throw new CellTypistError('convert_failed', (e as Error).message);
      } finally {
        core._free(buf);
      }
    }
    try {
      writeFileAtomic(values.out, writeModelPickle(modelDataOf(out)));
      process.stderr.write(`${command}: ${m.labels().length} cell types, ${m.n_features().toLocaleString('en-US')} genes -> ${out.labels().length} cell types, ${out.n_features().toLocaleString('en-US')} genes; wrote ${values.out}\n`);
    } finally {
      out.delete();
    }
  } finally {
    m.delete();
  }
  return 0;
}

async function modelsCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { show: { type: 'string' }, top: { type: 'string' }, json: { type: 'boolean' }, download: { type: 'string' } }, strict: true });
  if (values.download) {
    await resolveModel(values.download, false);
    return 0;
  }
  if (!values.show) {
    const reg = registry();
    const cached = new Set(await new FileStore().list());
    if (values.json) {
      process.stdout.write(JSON.stringify(reg.models, null, 2) + '\n');
      return 0;
    }
    process.stdout.write(`${reg.models.length} CellTypist models (catalog of ${reg.catalog_last_update.slice(0, 10)}; * default, ✓ cached):\n`);
    for (const m of reg.models) {
      const mark = `${m.default ? '*' : ' '}${cached.has(`${m.name}@${m.version}`) ? '✓' : ' '}`;
      process.stdout.write(`${mark} ${m.name.padEnd(44)} ${m.version.padEnd(4)} ${String(m.n_cell_types).padStart(4)} types  ${m.details}\n`);
    }
    return 0;
  }
  const info = await modelInfo(await resolveModel(values.show, true), number(values.top, 'top', 0));
  const title = existsSync(values.show) ? path.basename(values.show) : values.show;
  if (values.json) {
    process.stdout.write(JSON.stringify(info, null, 2) + '\n');
    return 0;
  }
  const d = info.description;
  process.stdout.write(
    `${title}: ${info.estimator}, ${info.labels.length} cell types, ${info.n_features.toLocaleString('en-US')} genes\n` +
      (d.details ? `details: ${d.details}\n` : '') +
      (d.version ? `version: ${d.version}\n` : '') +
      (d.date ? `date: ${d.date}\n` : '') +
      (d.source ? `source: ${d.source}\n` : '') +
      'cell types:\n' +
      info.labels.map((l) => `  ${l}${info.markers ? `: ${info.markers[l].join(', ')}` : ''}`).join('\n') +
      '\n',
  );
  return 0;
}
