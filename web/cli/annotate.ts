/**
 * `celltypist-wasm annotate`: CellTypist's `celltypist` command. Annotates one input with one
 * model and writes CellTypist's tables (streamed while cells are scored), optionally the
 * annotated .h5ad files (with the labels' Cell Ontology IDs when an encyclopedia describes them),
 * cell_ontology.csv, a UMAP layout and the results figure (with gene panels).
 */
import path from 'node:path';
import { confScores } from '../engine/export/conf-score.ts';
import { writeAnnotatedFile } from '../engine/export/h5ad-node.ts';
import { ProbabilitySpill } from '../engine/export/score-spill-node.ts';
import { annotate } from '../engine/node.ts';
import { CellTypistError } from '../engine/types.ts';
import { parseOptions, RUN_OPTIONS, runOptions } from './options.ts';
import { progressPrinter } from './progress.ts';
import { resolveModel } from './resolve-model.ts';
import { TableFiles } from './table-files.ts';
import { USAGE } from './usage.ts';

/** annotate's flags: the shared run flags and its outputs. */
export const ANNOTATE_OPTIONS = [...RUN_OPTIONS, 'indata', 'model', 'umap', 'prefix', 'write-h5ad', 'write-h5ad-light', 'plot', 'no-matrices', 'conf-by', 'model-mirror', 'cell-ontology', 'colour-genes', 'color-genes'] as const;

export async function annotateCommand(args: string[]): Promise<number> {
  const values = parseOptions(args, ANNOTATE_OPTIONS);
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
  // Gene panels are read before the run: an unknown gene fails at once, with near names.
  const colourGenes = values['colour-genes'] ?? values['color-genes'];
  if (colourGenes && !plot) throw new CellTypistError('bad_option', '--colour-genes adds panels to the results figure: give --plot FILE.png (or .svg) too');
  if (colourGenes && !/\.h5ad$/i.test(input)) throw new CellTypistError('bad_option', `--colour-genes reads the genes' expression from an .h5ad input; '${path.basename(input)}' is not one`);
  const genes = colourGenes ? await import('./gene-panels.ts') : null;
  const genePanels = genes ? await genes.genePanels(input, genes.parseGeneList(colourGenes!)) : [];
  const confByVoting = values['conf-by'] === 'majority_voting';
  const model = await resolveModel(values.model, quiet, { mirror: values['model-mirror'] });
  const modelName = typeof model === 'string' ? path.basename(model) : values.model;
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
      const w = await writeAnnotatedFile(inputPath, out, result, { model, model_name: modelName, options: annotateOptions, light, scores: spill!.stream() });
      result.stats.warnings.push(...w.warnings);
      if (w.ontology) notes.push(`${path.basename(out)}: Cell Ontology IDs in obs (${w.ontology})`);
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
  const notes: string[] = [];
  try {
    await writeH5adFiles();
  } finally {
    spill?.remove();
  }
  if (values['cell-ontology']) {
    const { encyclopediaForModel, writeCellOntology } = await import('./cell-ontology.ts');
    const { matchSummary } = await import('../engine/encyclopedia/match.ts');
    const match = await encyclopediaForModel(modelName, '', result.labels);
    files.push({ name: path.basename(writeCellOntology(outdir, values.prefix ?? '', result, match)) });
    notes.push(match ? `cell_ontology.csv: ${matchSummary(match)}` : "cell_ontology.csv: no shipped cell-type encyclopedia describes this model's labels, so it has no Cell Ontology IDs");
  }
  if (plot) {
    const on = await plot.writeResultsPlot(input, result, plotBasis, values.plot!, 2, genePanels);
    if (!quiet) process.stderr.write(`results figure on ${on}: ${values.plot}\n`);
  }
  if (!quiet) {
    const s = result.stats;
    for (const w of s.warnings) process.stderr.write(`warning: ${w}\n`);
    for (const n of notes) process.stderr.write(`${n}\n`);
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
