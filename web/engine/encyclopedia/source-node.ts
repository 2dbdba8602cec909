/**
 * The shipped encyclopedias in Node: the JSON files of models/encyclopedia (in the package,
 * dist/models/encyclopedia, found from this module as the registry is), or of
 * $CELLTYPIST_WASM_ENCYCLOPEDIA when set. A file is read only when asked for.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EncyclopediaSource } from './match.ts';

export function encyclopediaDir(): string {
  return process.env.CELLTYPIST_WASM_ENCYCLOPEDIA ?? fileURLToPath(new URL('../../../models/encyclopedia/', import.meta.url));
}

/** `<model>_<version>.json`: the version is the part after the last underscore. */
function keyOf(file: string): { model: string; version: string } | null {
  const m = /^(.+)_([^_]+)\.json$/.exec(file);
  return m ? { model: m[1], version: m[2] } : null;
}

export function nodeEncyclopedias(dir = encyclopediaDir()): EncyclopediaSource {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
  const keys = files.map(keyOf).filter((k): k is { model: string; version: string } => !!k);
  return {
    list: () => keys,
    load: async (model, version) => JSON.parse(readFileSync(path.join(dir, `${model}_${version}.json`), 'utf8')),
  };
}
