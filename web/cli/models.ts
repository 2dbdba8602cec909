/**
 * `celltypist-wasm models`: the CellTypist model catalog (marked: default, cached), one model's
 * cell types and top markers (--show), one cell type's card (--show MODEL --type LABEL), a catalog
 * model downloaded into the cache (--download: again when cached, compared with the cached file), or
 * catalog models copied into a mirror folder (--mirror DIR NAME… [--from SRC], mirror.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { FileStore } from '../engine/models/file-store.ts';
import { nodeRegistry } from '../engine/models/registry-node.ts';
import { modelInfo } from '../engine/node.ts';
import { CellTypistError } from '../engine/types.ts';
import { number, parseOptions, parseOptionsAndNames } from './options.ts';
import { progressPrinter } from './progress.ts';
import { resolveModel } from './resolve-model.ts';

/** models' flags. */
export const MODELS_OPTIONS = ['show', 'top', 'json', 'download', 'mirror', 'from', 'model-mirror', 'quiet', 'type'] as const;

export async function modelsCommand(args: string[]): Promise<number> {
  if (args.some((a) => a === '--mirror' || a.startsWith('--mirror='))) return mirror(args);
  const values = parseOptions(args, MODELS_OPTIONS);
  if (values.from) throw new CellTypistError('bad_option', '--from goes with --mirror DIR (where the mirrored models come from)');
  const resolve = { mirror: values['model-mirror'] };
  if (values.download) {
    await resolveModel(values.download, values.quiet ?? false, { ...resolve, refresh: true });
    return 0;
  }
  if (values.type && !values.show) throw new CellTypistError('bad_option', '--type shows one cell type of a model: give the model with --show MODEL (a .pkl or a catalog name)');
  if (!values.show) {
    const reg = nodeRegistry();
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
  const info = await modelInfo(await resolveModel(values.show, true, resolve), number(values.top, 'top', values.type ? 10 : 0));
  const title = existsSync(values.show) ? path.basename(values.show) : values.show;
  if (values.type) {
    const { modelBaseName } = await import('../engine/encyclopedia/match.ts');
    const { typeCardText } = await import('./label-card.ts');
    const listed = nodeRegistry().models.find((m) => m.name === modelBaseName(title));
    const version = info.description.version || (existsSync(values.show) ? '' : (listed?.version ?? ''));
    process.stdout.write(await typeCardText({ name: modelBaseName(title), version, labels: info.labels, markers: info.markers, type: values.type }));
    return 0;
  }
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

/** models --mirror DIR [NAME…] [--from FOLDER|URL]. */
async function mirror(args: string[]): Promise<number> {
  const { values, names } = parseOptionsAndNames(args, ['mirror', 'from', 'quiet']);
  const show = progressPrinter(process.stderr, values.quiet ?? false);
  const { mirrorCommand } = await import('./mirror.ts');
  return mirrorCommand({
    dir: values.mirror!,
    names,
    from: values.from,
    registry: nodeRegistry(),
    store: new FileStore(),
    onProgress: (m, loaded, total) => {
      show({ stage: 'load_model', fraction: total ? loaded / total : 0, message: `${m.file} ${(loaded / 1e6).toFixed(1)} MB` });
      if (total && loaded >= total && process.stderr.isTTY && !values.quiet) process.stderr.write('\n'); // the bar's line ends before the model's line
    },
  });
}
