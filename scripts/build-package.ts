/**
 * `npm run build`, package part: compiles the engine, CLI, web component and worker to ESM + .d.ts
 * (tsc, tsconfig.build.json) into dist/lib, then places what the compiled code finds at run time:
 * the wasm core next to the loader (dist/lib/engine/wasm/generated) and the model registry
 * (dist/models/registry.json, where registry-node.js looks for it).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lib = path.join(repo, 'dist/lib');
const CORE = ['ct-simd.js', 'ct-simd.wasm', 'ct-threads.js', 'ct-threads.wasm', 'ct-threads.worker.js', 'package.json'];

function compile() {
  rmSync(lib, { recursive: true, force: true });
  rmSync(path.join(repo, 'dist/models'), { recursive: true, force: true });
  execFileSync(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', path.join(repo, 'tsconfig.build.json')], { stdio: 'inherit' });
}

function* jsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* jsFiles(p);
    else if (name.endsWith('.js')) yield p;
  }
}

/**
 * tsc rewrites import specifiers but not `new URL('./x.ts', import.meta.url)` (workers): point
 * those at the compiled .js. Any other reference to a .ts file left in the output is a build error.
 */
function rewriteAssetUrls() {
  for (const f of jsFiles(lib)) {
    const src = readFileSync(f, 'utf8');
    const out = src.replace(/new URL\((['"])(\.{1,2}\/[^'"]+)\.ts\1, import\.meta\.url\)/g, 'new URL($1$2.js$1, import.meta.url)');
    if (out !== src) writeFileSync(f, out);
    const left = out.match(/(['"])\.{1,2}\/[^'"\n]+\.ts\1/);
    if (left && !out.includes(`.endsWith('.ts')`)) throw new Error(`${path.relative(repo, f)} still refers to ${left[0]}`);
  }
}

function copyAssets() {
  const from = path.join(repo, 'web/engine/wasm/generated');
  const to = path.join(lib, 'engine/wasm/generated');
  mkdirSync(to, { recursive: true });
  for (const f of CORE) {
    if (!existsSync(path.join(from, f))) throw new Error(`the WebAssembly core is not built (${f} is missing): run 'bash scripts/build-wasm.sh' first`);
    copyFileSync(path.join(from, f), path.join(to, f));
  }
  mkdirSync(path.join(repo, 'dist/models'), { recursive: true });
  copyFileSync(path.join(repo, 'models/registry.json'), path.join(repo, 'dist/models/registry.json'));
  chmodSync(path.join(lib, 'cli/bin.js'), 0o755);
}

compile();
rewriteAssetUrls();
copyAssets();
console.log(`build: dist/lib (compiled engine, CLI, component, worker + wasm core) and dist/models/registry.json`);
