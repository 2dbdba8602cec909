/**
 * What a command's `--model` names: a .pkl path (read by the engine), or a catalog name,
 * downloaded on first use (verified by its known sha256, else trust on first use; cached in the
 * FileStore) with progress on stderr, from a model mirror first when one is given
 * (--model-mirror DIR|URL, $CELLTYPIST_WASM_MODEL_MIRROR). Every command resolves its models here.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fetchModel } from '../engine/models/fetch.ts';
import { FileStore } from '../engine/models/file-store.ts';
import { findModel } from '../engine/models/registry.ts';
import { nodeRegistry } from '../engine/models/registry-node.ts';
import { CellTypistError } from '../engine/types.ts';
import { mirrorFetch, withModelMirror } from './model-mirror.ts';
import { progressPrinter } from './progress.ts';

export interface ResolveOptions {
  /** --model-mirror (default: $CELLTYPIST_WASM_MODEL_MIRROR). */
  mirror?: string;
  /** Download again even when cached, and compare (models --download). */
  refresh?: boolean;
}

/** A model argument is a .pkl path, or a catalog name downloaded (verified, cached) on first use. */
export async function resolveModel(arg: string, quiet: boolean, opts: ResolveOptions = {}): Promise<string | Uint8Array> {
  if (existsSync(arg)) return arg;
  if (/[\\/]/.test(arg)) throw new CellTypistError('not_found', `cannot read the model file '${arg}'`);
  const { registry, warnings } = await withModelMirror(nodeRegistry(), opts.mirror);
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  const m = findModel(registry, arg);
  const show = progressPrinter(process.stderr, quiet);
  const got = await fetchModel(m, {
    store: new FileStore(),
    fetchImpl: mirrorFetch,
    refresh: opts.refresh,
    onProgress: (p) => show({ stage: 'load_model', fraction: p.total ? p.loaded / p.total : 0, message: `${m.file} ${(p.loaded / 1e6).toFixed(1)} MB` }),
  });
  if (got.warning) process.stderr.write(`${quiet ? '' : '\n'}warning: ${got.warning}\n`);
  if (!quiet) {
    const where = got.from === 'cache' ? 'from the cache' : got.from === m.local_copy ? `from the model mirror (${got.from.startsWith('file:') ? fileURLToPath(got.from) : got.from})` : `downloaded from ${got.from}`;
    const check = { known: 'sha256 verified', recorded: 'sha256 as at its first download', 'first-use': 'no known sha256: recorded for later downloads' }[got.trust];
    process.stderr.write(`\nmodel ${m.name} ${m.version} ${where} (${check})\n`);
  }
  return got.bytes;
}
