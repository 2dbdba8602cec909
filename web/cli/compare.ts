/**
 * `celltypist-wasm compare -i DATA.h5ad -m A -m B -m C ...`: annotates the same cells with several
 * models and writes each model's labels per cell (and majority voting when asked), the pairwise
 * agreement matrix and the cross-tab of every pair. Without --outdir it prints the cross-tab of
 * the first two models (as before) and the agreement of every pair.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { agreementCsv, agreementMatrix, type Labeling, labelsCsv, modelNames } from '../engine/export/agreement.ts';
import { crosstab, crosstabCsv } from '../engine/export/crosstab.ts';
import { annotate } from '../engine/node.ts';
import { progressPrinter } from './progress.ts';
import { parseOptions, RUN_OPTIONS, runOptions } from './options.ts';
import { resolveModel } from './resolve-model.ts';
import { COMPARE_USAGE } from './usage.ts';

interface Run {
  name: string;
  predicted: string[];
  voting?: string[];
}

function write(dir: string, name: string, text: string, written: string[]): void {
  writeFileSync(path.join(dir, name), text);
  written.push(path.join(dir, name));
}

function writeOutputs(dir: string, cellIds: string[], runs: Run[]): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const predicted: Labeling[] = runs.map((r) => ({ name: r.name, labels: r.predicted }));
  const voting: Labeling[] = runs.filter((r) => r.voting).map((r) => ({ name: r.name, labels: r.voting! }));
  const columns = runs.flatMap((r) => [{ name: r.name, labels: r.predicted }, ...(r.voting ? [{ name: `${r.name}_majority_voting`, labels: r.voting }] : [])]);
  write(dir, 'labels.csv', labelsCsv(cellIds, columns), written);
  write(dir, 'agreement.csv', agreementCsv(predicted, agreementMatrix(predicted)), written);
  if (voting.length) write(dir, 'agreement_majority_voting.csv', agreementCsv(voting, agreementMatrix(voting)), written);
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      write(dir, `crosstab_${runs[i].name}__${runs[j].name}.csv`, crosstabCsv(crosstab(runs[i].predicted, runs[j].predicted), runs[i].name, runs[j].name), written);
    }
  }
  return written;
}

/** compare's flags: the shared run flags and its models (-m, given several times). */
export const COMPARE_OPTIONS = [...RUN_OPTIONS, 'model', 'model-mirror'] as const;

export async function compareCommand(args: string[]): Promise<number> {
  const values = parseOptions(args, COMPARE_OPTIONS, ['model']);
  const models = values.model ?? [];
  if (!values.input || models.length < 2) {
    process.stderr.write(`error: compare needs --input and at least two --model${COMPARE_USAGE}`);
    return 2;
  }
  const run = runOptions(values);
  const quiet = values.quiet ?? false;
  const names = modelNames(models);
  const runs: Run[] = [];
  let cellIds: string[] = [];
  // The automatic over-clustering depends on the data only: computed with the first model, reused.
  let clusters: readonly string[] | undefined;
  for (const [k, m] of models.entries()) {
    if (!quiet) process.stderr.write(`${names[k]} (${k + 1} of ${models.length})\n`);
    const r = await annotate(values.input, await resolveModel(m, quiet, { mirror: values['model-mirror'] }), { ...run, over_clustering: run.over_clustering ?? clusters, return_matrices: false }, progressPrinter(process.stderr, quiet));
    if (!quiet) process.stderr.write(`\n${r.stats.n_features_used.toLocaleString('en-US')} of ${r.stats.n_features_model.toLocaleString('en-US')} genes of ${names[k]} found\n`);
    runs.push({ name: names[k], predicted: r.predicted_labels, voting: r.majority_voting });
    // Printed for each run that clustered: once, when the clusters are reused.
    if (r.stats.over_clustering && !quiet) {
      const o = r.stats.over_clustering;
      process.stderr.write(`automatic over-clustering: ${o.n_clusters.toLocaleString('en-US')} Leiden clusters at resolution ${o.resolution}${models.length > 1 ? ', reused for the other models' : ''}\n`);
    }
    clusters ??= r.over_clustering;
    cellIds = r.cell_ids;
  }
  if (values.outdir && /\.csv$/i.test(values.outdir)) {
    // Earlier versions took -o as the cross-tab file: keep that meaning for a .csv path.
    writeFileSync(values.outdir, crosstabCsv(crosstab(runs[0].predicted, runs[1].predicted), runs[0].name, runs[1].name));
    if (!quiet) process.stderr.write(`wrote the cross-tab of ${runs[0].name} and ${runs[1].name} to ${values.outdir} (give a folder to -o for every model's labels, the agreement matrix and all cross-tabs)\n`);
  } else if (values.outdir) {
    const written = writeOutputs(values.outdir, cellIds, runs);
    if (!quiet) process.stderr.write(`wrote ${written.join(', ')}\n`);
  } else {
    process.stdout.write(crosstabCsv(crosstab(runs[0].predicted, runs[1].predicted), runs[0].name, runs[1].name));
  }
  if (!quiet) {
    const m = agreementMatrix(runs.map((r) => ({ name: r.name, labels: r.predicted })));
    const n = cellIds.length;
    for (let i = 0; i < runs.length; i++) {
      for (let j = i + 1; j < runs.length; j++) {
        process.stderr.write(`${runs[i].name} vs ${runs[j].name}: same label for ${Math.round(m[i][j] * n).toLocaleString('en-US')} of ${n.toLocaleString('en-US')} cells (${(100 * m[i][j]).toFixed(1)}%)\n`);
      }
    }
  }
  return 0;
}
