/**
 * What a command's `--model` names: a .pkl path (read by the engine), or a catalog name,
 * downloaded on first use (verified, cached in the FileStore) with progress on stderr. Every
 * command resolves its models here.
 */
import { existsSync } from 'node:fs';
import { fetchModel } from '../engine/models/fetch.ts';
import { FileStore } from '../engine/models/file-store.ts';
import { findModel } from '../engine/models/registry.ts';
import { nodeRegistry } from '../engine/models/registry-node.ts';
import { CellTypistError } from '../engine/types.ts';
import { progressPrinter } from './progress.ts';

/** A model argument is a .pkl path, or a catalog name downloaded (verified, cached) on first use. */
export async function resolveModel(arg: string, quiet: boolean): Promise<string | Uint8Array> {
  if (existsSync(arg)) return arg;
  if (/[\\/]/.test(arg)) throw new CellTypistError('not_found', `cannot read the model file '${arg}'`);
  const m = findModel(nodeRegistry(), arg);
  const show = progressPrinter(process.stderr, quiet);
  const { bytes, from } = await fetchModel(m, {
    store: new FileStore(),
    onProgress: (p) => show({ stage: 'load_model', fraction: p.total ? p.loaded / p.total : 0, message: `${m.file} ${(p.loaded / 1e6).toFixed(1)} MB` }),
  });
  if (!quiet) process.stderr.write(`\nmodel ${m.name} ${m.version} ${from === 'cache' ? 'from the cache' : `downloaded from ${from}`}\n`);
  return bytes;
}
