/**
 * Test helper: serves ../shared (gene tables included) from a local fake CDN and points the Node
 * registry ($CELLTYPIST_WASM_REGISTRY) and cache ($CELLTYPIST_WASM_CACHE, a fresh folder) at it,
 * like the real raw.githubusercontent.com URLs. Call restore() when done.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type FakeCdn, startFakeCdn } from './fake-cdn.ts';
import { repoPath, sharedPath } from './fixtures.ts';

export interface GeneTableServer {
  cdn: FakeCdn;
  /** Fresh registry + cache; `sha256` overrides a table's checksum (e.g. to test a mismatch). */
  useRegistry(sha256?: Record<string, string>): void;
  restore(): Promise<void>;
}

export async function serveGeneTables(): Promise<GeneTableServer> {
  const cdn = await startFakeCdn(path.resolve(sharedPath('.')));
  const saved = { registry: process.env.CELLTYPIST_WASM_REGISTRY, cache: process.env.CELLTYPIST_WASM_CACHE };
  return {
    cdn,
    useRegistry(sha256 = {}) {
      const reg = JSON.parse(readFileSync(repoPath('models/registry.json'), 'utf8'));
      reg.gene_tables = reg.gene_tables.map((t: { name: string; file: string }) => ({
        ...t,
        url: `${cdn.url}genes/${t.file}`,
        mirrors: [],
        sha256: sha256[t.name] ?? createHash('sha256').update(readFileSync(sharedPath(`genes/${t.file}`))).digest('hex'),
      }));
      const dir = mkdtempSync(path.join(tmpdir(), 'ctw-reg-'));
      writeFileSync(path.join(dir, 'registry.json'), JSON.stringify(reg));
      process.env.CELLTYPIST_WASM_REGISTRY = path.join(dir, 'registry.json');
      process.env.CELLTYPIST_WASM_CACHE = mkdtempSync(path.join(tmpdir(), 'ctw-cache-'));
    },
    async restore() {
      await cdn.stop();
      for (const [k, v] of [['CELLTYPIST_WASM_REGISTRY', saved.registry], ['CELLTYPIST_WASM_CACHE', saved.cache]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}
