/**
 * --model-mirror DIR|URL (or $CELLTYPIST_WASM_MODEL_MIRROR): catalog models are taken from a
 * mirror written by `models --mirror` first, the catalog URL after. A folder is read in place
 * (file: URLs through `mirrorFetch`); a URL mirror that cannot be read is skipped with a warning.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fetchBytes } from '../engine/models/fetch.ts';
import { applyMirror, parseMirror } from '../engine/models/mirror.ts';
import type { Registry } from '../engine/models/registry.ts';
import { CellTypistError } from '../engine/types.ts';

export const MODEL_MIRROR_ENV = 'CELLTYPIST_WASM_MODEL_MIRROR';

/** fetch, plus file: URLs (a mirror folder) read from disk. */
export const mirrorFetch: typeof fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!url.startsWith('file:')) return fetch(input, init);
  const file = fileURLToPath(url);
  if (!existsSync(file) || statSync(file).isDirectory()) return new Response(null, { status: 404, statusText: 'no such file in the mirror' });
  const bytes = readFileSync(file);
  return new Response(bytes as unknown as BodyInit, { headers: { 'Content-Length': String(bytes.length) } });
};

export interface MirroredRegistry {
  registry: Registry;
  /** Names of the models the mirror has. */
  mirrored: Set<string>;
  warnings: string[];
}

/** The registry with the copies of the mirror `where` (a folder or a base URL); unchanged without one. */
export async function withModelMirror(reg: Registry, where = process.env[MODEL_MIRROR_ENV]): Promise<MirroredRegistry> {
  if (!where) return { registry: reg, mirrored: new Set(), warnings: [] };
  const flag = process.env[MODEL_MIRROR_ENV] === where ? MODEL_MIRROR_ENV : '--model-mirror';
  if (/^https?:\/\//i.test(where)) {
    const base = new URL('registry.json', where.endsWith('/') ? where : `${where}/`).href;
    try {
      const json = JSON.parse(new TextDecoder().decode(await fetchBytes(base, { answerTimeoutMs: 10000 })));
      return applyMirror(reg, parseMirror(json, base), base);
    } catch (e) {
      if (e instanceof CellTypistError && e.code === 'bad_registry') throw e;
      return { registry: reg, mirrored: new Set(), warnings: [`the model mirror ${where} (${flag}) could not be read: ${(e as Error).message}; using the catalog's URLs`] };
    }
  }
  const file = path.resolve(where, 'registry.json');
  if (!existsSync(file)) throw new CellTypistError('not_found', `${flag} ${where}: there is no ${file}; write the mirror with 'celltypist-wasm models --mirror ${where} NAME…'`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CellTypistError('bad_registry', `${file} is not valid JSON (${(e as Error).message})`);
  }
  return applyMirror(reg, parseMirror(json, file), pathToFileURL(file).href);
}
