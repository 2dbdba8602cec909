/**
 * `celltypist-wasm dotplot`: scanpy's marker dotplot (fraction of expressing cells and scaled
 * mean per group × gene) of an .h5ad, as a long CSV table and/or an SVG or PNG figure. Reads
 * only the plotted genes' columns, streamed, so it runs on files of millions of cells.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dotplotFigure } from '../engine/figure/dotplot-figure.ts';
import { writeFigure } from './figure-file.ts';
import { dotplotReader } from '../engine/markers/dotplot-reader.ts';
import { dotplotCsv } from '../engine/markers/dotplot-table.ts';
import type { StandardScale } from '../engine/markers/dotplot.ts';
import { groupsFromObs } from '../engine/markers/groups.ts';
import { markerGenes } from '../engine/markers/top-markers.ts';
import { CellTypistError, modelInfo, openH5adPath } from '../engine/node.ts';
import { parseOptions } from './options.ts';
import { resolveModel } from './resolve-model.ts';
import { DOTPLOT_USAGE } from './usage.ts';

function scaleOption(v: string | undefined): StandardScale {
  const s = (v ?? 'var').toLowerCase();
  if (s === 'var' || s === 'group' || s === 'none') return s;
  throw new CellTypistError('bad_option', `--standard-scale must be var, group or none, not '${v}'`);
}

async function defaultGenes(model: string, top: number, present: string[], quiet: boolean, mirror?: string): Promise<string[]> {
  const info = await modelInfo(await resolveModel(model, quiet, { mirror }), top);
  const chosen = markerGenes(info.labels, info.markers!, present);
  if (!quiet) process.stderr.write(`top ${top} markers of ${chosen.types.length} cell types: ${chosen.genes.length} genes\n`);
  return chosen.genes;
}

/** dotplot's flags (scanpy's sc.pl.dotplot arguments). */
export const DOTPLOT_OPTIONS = ['input', 'groupby', 'genes', 'model', 'top', 'standard-scale', 'use-raw', 'gene-column', 'table', 'out', 'title', 'scale', 'quiet', 'model-mirror'] as const;

export async function dotplotCommand(args: string[]): Promise<number> {
  const values = parseOptions(args, DOTPLOT_OPTIONS);
  if (!values.input || !values.groupby || (!values.genes && !values.model)) {
    process.stderr.write(`error: dotplot needs --input, --groupby and --genes (or --model)\n${DOTPLOT_USAGE}`);
    return 2;
  }
  const standardScale = scaleOption(values['standard-scale']);
  const top = Number(values.top ?? 2);
  if (!Number.isInteger(top) || top < 1) throw new CellTypistError('bad_option', `--top expects a positive whole number, got '${values.top}'`);
  if (values.out && !/\.(svg|png)$/i.test(values.out)) throw new CellTypistError('bad_option', `--out must end in .svg or .png (got '${values.out}')`);
  const quiet = values.quiet ?? false;
  const reader = await openH5adPath(values.input);
  try {
    const groups = groupsFromObs(reader, values.groupby);
    const genes = values.genes ? values.genes.split(',') : await defaultGenes(values.model!, top, groups.names, quiet, values['model-mirror']);
    const d = dotplotReader(reader, { groups, genes, standard_scale: standardScale, source: values['use-raw'] ? 'raw' : 'X', gene_column: values['gene-column'] });
    for (const w of d.warnings) process.stderr.write(`warning: ${w}\n`);
    const written: string[] = [];
    const csv = dotplotCsv(d);
    if (values.table) {
      mkdirSync(path.dirname(path.resolve(values.table)), { recursive: true });
      writeFileSync(values.table, csv);
      written.push(values.table);
    }
    if (values.out) {
      const scene = dotplotFigure(d, { title: values.title });
      writeFigure(scene, values.out, Number(values.scale ?? 2));
      written.push(values.out);
    }
    if (!written.length) process.stdout.write(csv);
    if (!quiet) process.stderr.write(`dotplot of ${d.genes.length} genes over ${d.groups.length} groups of '${values.groupby}' (${d.n_cells.toLocaleString('en-US')} cells)${written.length ? `; wrote ${written.join(', ')}` : ''}\n`);
    return 0;
  } finally {
    reader.close();
  }
}
