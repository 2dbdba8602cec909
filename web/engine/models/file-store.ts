/** A ModelStore in a folder (Node): ~/.cache/celltypist-wasm/models by default. */
import { mkdir, readdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ModelStore } from './model-store.ts';
import { isRecordKey } from './trust.ts';

export function defaultCacheDir(): string {
  return process.env.CELLTYPIST_WASM_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'celltypist-wasm', 'models');
}

export class FileStore implements ModelStore {
  constructor(private readonly dir = defaultCacheDir()) {}
  private file(key: string) {
    // Models are .pkl files; gene tables (keys "table:…") keep their CSV nature; the sha256
    // recorded at a first download (trust.ts, keys "sha256:…") is name@version.sha256.
    if (isRecordKey(key)) return path.join(this.dir, `${key.slice(7).replace(/[^\w.@-]/g, '_')}.sha256`);
    const ext = key.startsWith('table:') ? '.csv' : '.pkl';
    return path.join(this.dir, `${key.replace(/[^\w.@-]/g, '_')}${ext}`);
  }
  location(key: string) {
    return this.file(key);
  }
  async get(key: string) {
    try {
      return new Uint8Array(await readFile(this.file(key)));
    } catch {
      return null;
    }
  }
  async put(key: string, bytes: Uint8Array) {
    await mkdir(this.dir, { recursive: true });
    const tmp = `${this.file(key)}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, this.file(key)); // atomic: a crash never leaves a half file in the cache
  }
  async list() {
    try {
      return (await readdir(this.dir)).filter((f) => f.endsWith('.pkl')).map((f) => f.slice(0, -4));
    } catch {
      return [];
    }
  }
  async delete(key: string) {
    try {
      await rm(this.file(key));
      return true;
    } catch {
      return false;
    }
  }
}
