/**
 * `celltypist-wasm models --mirror DIR [NAME…] [--from SRC]`: copies catalog models into DIR
 * and writes DIR/registry.json (name, version, sha256, size, relative URL of each). Served as
 * `models/` beside the app's index.html, the app loads these models from its own server; the CLI
 * reads them with --model-mirror DIR|URL.
 *
 * Sources: the catalog URLs (through the model cache: verified, trust on first use), or --from,
 * a folder of .pkl files named as in the catalog or a base URL. A file that differs from the
 * registry's known sha256 is refused; without a known value its own sha256 is recorded. A model
 * already in DIR whose new copy differs (no known value) keeps the old file, with a warning.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeOutputFolder, writeFileAtomic } from '../engine/export/atomic-file.ts';
import { cacheKey, fetchModel, fetchVerified, type Fetched, type ModelStore } from '../engine/models/fetch.ts';
import { mergeMirror, type MirrorEntry, mirrorEntry, type MirrorRegistry, parseMirror } from '../engine/models/mirror.ts';
import { findModel, type Registry, type RegistryModel } from '../engine/models/registry.ts';
import { CellTypistError } from '../engine/types.ts';

export interface MirrorRun {
  dir: string;
  /** Catalog names; empty: the default model. */
  names: string[];
  from?: string;
  registry: Registry;
  /** The model cache (catalog and URL sources go through it). */
  store?: ModelStore;
  log: (line: string) => void;
  onProgress?: (model: RegistryModel, loaded: number, total: number | null) => void;
}

export interface MirrorOutcome {
  entries: MirrorEntry[];
  warnings: string[];
  /** Models not mirrored, each with the reason. */
  failed: string[];
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const isUrl = (s: string) => /^https?:\/\//i.test(s);

/** The mirror registry already in DIR, or null. */
export function readMirror(dir: string): MirrorRegistry | null {
  const file = path.join(dir, 'registry.json');
  if (!existsSync(file)) return null;
  return parseMirror(JSON.parse(readFileSync(file, 'utf8')), file);
}

/** One model's bytes from the source, checked against the known sha256 / the cache's record. */
async function copyOf(m: RegistryModel, run: MirrorRun): Promise<{ bytes: Uint8Array; from: string; fetched?: Fetched }> {
  const onProgress = (p: { loaded: number; total: number | null }) => run.onProgress?.(m, p.loaded, p.total);
  if (!run.from) {
    const fetched = await fetchModel(m, { store: run.store, onProgress });
    return { bytes: fetched.bytes, from: fetched.from === 'cache' ? m.url : fetched.from, fetched };
  }
  if (isUrl(run.from)) {
    const url = new URL(encodeURIComponent(m.file), run.from.endsWith('/') ? run.from : `${run.from}/`).href;
    const label = `model ${m.name} ${m.version}`;
    const fetched = await fetchVerified({ key: cacheKey(m), urls: [url], sha256: m.sha256, label, hint: `Check that ${url} is the catalog's ${m.file}.` }, { store: run.store, onProgress });
    return { bytes: fetched.bytes, from: url, fetched };
  }
  const file = path.join(run.from, m.file);
  if (!existsSync(file)) throw new CellTypistError('not_found', `no ${file}: files in --from ${run.from} must be named as in the catalog (${m.file})`);
  return { bytes: new Uint8Array(readFileSync(file)), from: path.resolve(file) };
}

/** Copies the models into run.dir and writes run.dir/registry.json; one model failing does not stop the others. */
export async function writeMirror(run: MirrorRun): Promise<MirrorOutcome> {
  const models = run.names.length ? run.names.map((n) => findModel(run.registry, n)) : run.registry.models.filter((m) => m.default);
  makeOutputFolder(run.dir);
  const old = readMirror(run.dir);
  const out: MirrorOutcome = { entries: [], warnings: [], failed: [] };
  for (const m of models) {
    try {
      const { bytes, from, fetched } = await copyOf(m, run);
      if (fetched?.warning) out.warnings.push(fetched.warning);
      const entry = mirrorEntry(m, bytes.length, fetched?.sha256 ?? sha256(bytes), from);
      const before = old?.models.find((e) => e.name === m.name && e.version === m.version);
      const target = path.join(run.dir, m.file);
      const oldFile = before && path.join(run.dir, decodeURIComponent(before.url));
      const oldIntact = before && oldFile && existsSync(oldFile) && sha256(readFileSync(oldFile)) === before.sha256;
      if (oldIntact && before.sha256 !== entry.sha256 && !m.sha256) {
        out.warnings.push(`${m.name} ${m.version} from ${from} has sha256 ${entry.sha256.slice(0, 12)}…, but the copy already in ${run.dir} has ${before.sha256.slice(0, 12)}…: kept the old file (delete it to accept the new one)`);
        out.entries.push(before);
        run.log(`  ${m.name} ${m.version}: kept the copy already there (sha256 ${before.sha256.slice(0, 12)}…)`);
        continue;
      }
      if (!(oldIntact && before.sha256 === entry.sha256 && oldFile === target)) writeFileAtomic(target, bytes);
      out.entries.push(entry);
      const how = entry.sha256_from === 'catalog' ? 'verified against the known sha256' : 'no known sha256: recorded as copied';
      run.log(`  ${m.name} ${m.version}: ${bytes.length.toLocaleString('en-US')} bytes, sha256 ${entry.sha256.slice(0, 12)}… (${how}) from ${from}`);
    } catch (e) {
      out.failed.push(`${m.name}: ${(e as Error).message}`);
    }
  }
  if (out.entries.length) writeFileAtomic(path.join(run.dir, 'registry.json'), JSON.stringify(mergeMirror(old, out.entries, run.registry.catalog_url), null, 1) + '\n');
  return out;
}

/** The command: prints what was copied, warnings and failures; exit code 1 if any model failed. */
export async function mirrorCommand(run: Omit<MirrorRun, 'log'>, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  const log = (line: string) => stderr.write(`${line}\n`);
  log(`mirroring into ${run.dir}${run.from ? ` from ${run.from}` : ' from the catalog'}:`);
  const r = await writeMirror({ ...run, log });
  for (const w of r.warnings) log(`warning: ${w}`);
  for (const f of r.failed) log(`error: ${f}`);
  if (r.entries.length) {
    const all = readMirror(run.dir)!;
    log(`wrote ${path.join(run.dir, 'registry.json')}: ${all.models.length} model${all.models.length === 1 ? '' : 's'} (${all.models.map((e) => e.name).join(', ')})`);
    log('serve this folder as models/ beside the app\'s index.html (docs/hosting.md), or use it with --model-mirror');
  }
  return r.failed.length ? 1 : 0;
}
