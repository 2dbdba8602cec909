/**
 * The shipped encyclopedias in Node: the JSON files of models/encyclopedia (in the package,
 * dist/models/encyclopedia, gzip-compressed, found from this module as the registry is), or of
 * $CELLTYPIST_WASM_ENCYCLOPEDIA when set. A file is read only when asked for.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'fflate';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EncyclopediaSource } from './match.ts';

export function encyclopediaDir(): string {
  return process.env.CELLTYPIST_WASM_ENCYCLOPEDIA ?? fileURLToPath(new URL('../../../models/encyclopedia/', import.meta.url));
}

/** `<model>_<version>.json[.gz]`: the version is the part after the last underscore. */
function keyOf(file: string): { model: string; version: string; file: string } | null {
  const m = /^(.+)_([^_]+)\.json(\.gz)?$/.exec(file);
  return m ? { model: m[1], version: m[2], file } : null;
}

export function nodeEncyclopedias(dir = encyclopediaDir()): EncyclopediaSource {
  const files = existsSync(dir) ? readdirSync(dir).sort() : [];
  const keys = files.map(keyOf).filter((k): k is NonNullable<ReturnType<typeof keyOf>> => !!k);
  return {
    list: () => keys.map(({ model, version }) => ({ model, version })),
    load: async (model, version) => {
      const k = keys.find((x) => x.model === model && x.version === version)!;
      const bytes = readFileSync(path.join(dir, k.file));
      return JSON.parse(new TextDecoder().decode(k.file.endsWith('.gz') ? gunzipSync(bytes) : bytes));
    },
  };
}
