/**
 * A faster-loading copy of h5wasm's Node build, kept in the user's cache. h5wasm embeds its
 * 3.5 MB WebAssembly binary as a string literal in a 4.2 MB script, which every process decodes,
 * parses and turns back into bytes (~80 ms of the main thread, before any file is opened). The
 * copy's loader reads the binary from a file beside it instead. It is written once per h5wasm
 * version (first run); anything unexpected (another layout of h5wasm's script, a cache that cannot
 * be written) leaves h5wasm as it is.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCacheDir } from '../models/file-store.ts';
import { makeOutputFolder } from '../export/atomic-file.ts';

const LOADER = 'function findWasmBinary(){return binaryDecode(';
const DECODER = 'function binaryDecode(';
/** What replaces the embedded binary: the bytes of the file next to the script. */
const FROM_FILE = 'function findWasmBinary(){return new Uint8Array(require("fs").readFileSync(new URL("./hdf5_util.wasm",import.meta.url)))}';

/** The entry (hdf5_hl.js) of the cached copy, written first if missing; null to use h5wasm as is. */
export function slimH5wasmEntry(cacheDir = path.join(defaultCacheDir(), '.h5wasm')): string | null {
  try {
    const source = path.dirname(fileURLToPath(import.meta.resolve('h5wasm/node')));
    const util = path.join(source, 'hdf5_util.js');
    const st = statSync(util);
    const dir = path.join(cacheDir, `${st.size}-${Math.round(st.mtimeMs)}`);
    const entry = path.join(dir, 'hdf5_hl.js');
    if (existsSync(entry)) return entry;
    const hl = readFileSync(path.join(source, 'hdf5_hl.js'), 'utf8');
    // The copy holds these two scripts only: an entry that imports anything else stays as installed.
    if ([...hl.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g)].some((m) => m[1] !== './hdf5_util.js')) return null;
    const slim = slimSources(readFileSync(util, 'utf8'));
    if (!slim) return null;
    // Written under a temporary name, then renamed: a concurrent run sees all of it or nothing.
    makeOutputFolder(cacheDir); // not mkdirSync(recursive): it never returns under /proc
    const tmp = mkdtempSync(path.join(cacheDir, 'tmp-'));
    try {
      writeFileSync(path.join(tmp, 'hdf5_util.wasm'), slim.wasm);
      writeFileSync(path.join(tmp, 'hdf5_util.js'), slim.script);
      writeFileSync(path.join(tmp, 'hdf5_hl.js'), hl);
      renameSync(tmp, dir);
      pruneCopies(cacheDir, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // a full disk, or another run was first
    }
    return existsSync(entry) ? entry : null;
  } catch {
    return null;
  }
}

/** Copies kept: one per h5wasm install in use (e.g. a global and a project install), not one per upgrade. */
const KEEP_COPIES = 3;

/** Removes all but the newest KEEP_COPIES copies (each upgrade of h5wasm writes a new one). */
function pruneCopies(cacheDir: string, current: string): void {
  try {
    const copies = readdirSync(cacheDir)
      .filter((name) => /^\d+-\d+$/.test(name))
      .map((name) => ({ dir: path.join(cacheDir, name), at: statSync(path.join(cacheDir, name)).mtimeMs }))
      .filter((c) => c.dir !== current)
      .sort((a, b) => b.at - a.at);
    for (const c of copies.slice(KEEP_COPIES - 1)) rmSync(c.dir, { recursive: true, force: true });
  } catch {
    // another run pruned first, or the cache is read-only: nothing lost
  }
}

/** h5wasm's hdf5_util.js split into a script without the binary and the binary; null if its layout is not the known one. */
export function slimSources(script: string): { script: string; wasm: Uint8Array } | null {
  const at = script.indexOf(LOADER);
  if (at < 0 || script.indexOf(LOADER, at + 1) >= 0) return null;
  const quote = at + LOADER.length;
  const end = stringEnd(script, quote);
  if (end < 0 || script.slice(end + 1, end + 3) !== ')}') return null;
  const decoder = functionSource(script, DECODER);
  if (!decoder) return null;
  // The literal and h5wasm's own decoder, evaluated as they would be at load time.
  const wasm = new Function(`${decoder}; return binaryDecode(${script.slice(quote, end + 1)});`)() as Uint8Array<ArrayBuffer>;
  if (!(wasm instanceof Uint8Array) || !WebAssembly.validate(wasm)) return null;
  return { script: script.slice(0, at) + FROM_FILE + script.slice(end + 3), wasm };
}

/** Index of the quote closing the JS string literal opened at `open`, or -1. */
function stringEnd(s: string, open: number): number {
  const q = s[open];
  if (q !== "'" && q !== '"') return -1;
  for (let i = open + 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === q) return i;
    else if (s[i] === '\n') return -1;
  }
  return -1;
}

/** The text of `function name(...){...}` (braces balanced; no braces in strings), or null. */
function functionSource(s: string, head: string): string | null {
  const at = s.indexOf(head);
  if (at < 0) return null;
  let depth = 0;
  for (let i = s.indexOf('{', at); i >= 0 && i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return s.slice(at, i + 1);
  }
  return null;
}
