/**
 * `celltypist-wasm models`: the CellTypist model catalog (marked: default, cached), one model's
 * cell types and top markers (--show), or a catalog model downloaded into the cache (--download).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { FileStore } from '../engine/models/file-store.ts';
import { nodeRegistry } from '../engine/models/registry-node.ts';
import { modelInfo } from '../engine/node.ts';
import { number, parseOptions } from './options.ts';
import { resolveModel } from './resolve-model.ts';

/** models' flags. */
export const MODELS_OPTIONS = ['show', 'top', 'json', 'download'] as const;

export async function modelsCommand(args: string[]): Promise<number> {
  const values = parseOptions(args, MODELS_OPTIONS);
  if (values.download) {
    await resolveModel(values.download, false);
    return 0;
  }
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
