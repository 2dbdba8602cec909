/**
 * Vite plugin: emits dist/app/sw.js from web/app/src/service-worker.ts (type-stripped by
 * TypeScript) with the list of the build's files to precache and a hash of their contents as
 * cache version, so every new build installs a fresh shell and drops the old one.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { Plugin } from 'vite';

const SOURCE = fileURLToPath(new URL('./src/service-worker.ts', import.meta.url));
/** Public files that are not part of the offline shell (host configuration). */
const SKIP = new Set(['_headers', 'sw.js']);

function publicFiles(dir: string, rel = ''): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (const entry of readdirSync(path.join(dir, rel)).sort()) {
    const name = rel ? `${rel}/${entry}` : entry;
    if (statSync(path.join(dir, name)).isDirectory()) out.push(...publicFiles(dir, name));
    else if (!SKIP.has(name)) out.push({ name, bytes: readFileSync(path.join(dir, name)) });
  }
  return out;
}

export function serviceWorker(): Plugin {
  let publicDir = '';
  return {
    name: 'celltypist-service-worker',
    apply: 'build',
    configResolved(config) {
      publicDir = config.publicDir;
    },
    // After the HTML plugin has emitted the pages.
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const files: { name: string; bytes: Uint8Array }[] = Object.values(bundle).map((o) => ({ name: o.fileName, bytes: o.type === 'chunk' ? Buffer.from(o.code) : typeof o.source === 'string' ? Buffer.from(o.source) : o.source }));
        if (publicDir) files.push(...publicFiles(publicDir));
        files.sort((a, b) => a.name.localeCompare(b.name));
        const hash = createHash('sha256');
        for (const f of files) hash.update(f.name).update(f.bytes);
        const js = ts.transpileModule(readFileSync(SOURCE, 'utf8'), { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None, removeComments: false } }).outputText;
        const source = js
          .replace("'__CTW_SHELL_FILES__'", JSON.stringify(JSON.stringify(['./', ...files.map((f) => f.name)])))
          .replace('__CTW_VERSION__', hash.digest('hex').slice(0, 16));
        this.emitFile({ type: 'asset', fileName: 'sw.js', source });
      },
    },
  };
}
