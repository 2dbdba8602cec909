/**
 * `npm run build`, package part: compiles the engine, CLI, web component and worker to ESM + .d.ts
 * (tsc, tsconfig.build.json) into dist/lib, then places what the compiled code finds at run time:
 * the wasm core next to the loader (dist/lib/engine/wasm/generated) and the model registry
 * (dist/models/registry.json, where registry-node.js looks for it) and the cell-type encyclopedias
 * (dist/models/encyclopedia, gzip-compressed). The compiled modules lose their comments (the
 * .d.ts files keep the API's; stripComments), and the CLI's bin is then bundled into one file
 * (bundleCli).
 */
import { execFileSync } from 'node:child_process';
import { build, type Plugin, transform } from 'esbuild';
import { gzipSync } from 'fflate';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * The compiled modules without their comments, otherwise as tsc wrote them (not minified: names,
 * lines and formatting stay readable). tsc copies every source comment into the .js and the
 * exported ones again into the .d.ts, where editors show them; in the .js they were a fifth of
 * the package's JavaScript (513 -> 411 KB at issue 28), bytes every install unpacks and every
 * start parses. esbuild keeps the comments that tools read (@vite-ignore, webpackIgnore, PURE).
 * The Emscripten loaders (engine/wasm/generated) are left as they are.
 */
async function stripComments() {
  for (const f of jsFiles(lib)) {
    if (f.includes(`${path.sep}generated${path.sep}`)) continue;
    const { code } = await transform(readFileSync(f, 'utf8'), { format: 'esm', target: 'esnext', legalComments: 'none', sourcefile: f });
    writeFileSync(f, code);
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
  // The cell-type encyclopedias (label cards, Cell Ontology IDs), gzip-compressed (15 -> 4 KB
  // each: the package keeps its size budget), where encyclopedia/source-node.js looks.
  mkdirSync(path.join(repo, 'dist/models/encyclopedia'), { recursive: true });
  for (const f of readdirSync(path.join(repo, 'models/encyclopedia')).filter((n) => n.endsWith('.json'))) {
    writeFileSync(path.join(repo, 'dist/models/encyclopedia', `${f}.gz`), gzipSync(readFileSync(path.join(repo, 'models/encyclopedia', f)), { level: 9, mtime: 0 }));
  }
  chmodSync(path.join(lib, 'cli/bin.js'), 0o755);
}

/**
 * `import.meta.url` of a module bundled into `bundle`, as the URL of the module's own file: the
 * engine finds files next to its modules (the wasm core in engine/wasm/generated, the registry,
 * worker scripts), and these stay in dist/lib beside the bundle. Occurrences inside a quoted
 * string on their line (code that h5wasm-slim writes for another module) are left alone.
 */
function moduleUrls(bundle: string): Plugin {
  return {
    name: 'module-urls',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        const src = readFileSync(args.path, 'utf8');
        if (!src.includes('import.meta.url')) return undefined;
        const own = `new URL(${JSON.stringify(path.relative(path.dirname(bundle), args.path).split(path.sep).join('/'))}, import.meta.url).href`;
        const contents = src
          .split('\n')
          .map((line) =>
            line.replace(/import\.meta\.url/g, (m, at: number) => {
              const before = line.slice(0, at);
              const quotes = (q: string) => before.split(q).length - 1;
              return quotes("'") % 2 || quotes('"') % 2 || quotes('`') % 2 ? m : own;
            }),
          )
          .join('\n');
        return { contents, loader: 'js' };
      });
    },
  };
}

/**
 * The CLI's bin as one minified ES module (its ~90 modules and fflate): Node resolves and compiles
 * one file instead of walking the module graph, ~30 ms of every command's start (measured at 20k
 * cells: 0.895 -> 0.863 s mean). h5wasm stays an import of the installed package, loaded only for
 * the inputs that need it. The engine's compiled modules stay in dist/lib for the library's users
 * (and for the files the bundle finds next to them); the CLI's own are removed.
 */
async function bundleCli() {
  const bin = path.join(lib, 'cli/bin.js');
  const out = path.join(lib, 'cli/bin.bundle.tmp.js');
  await build({
    entryPoints: [bin],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['h5wasm', 'h5wasm/*'],
    plugins: [moduleUrls(bin)],
    // Minified: the package keeps its size budget with the compiled modules beside the bundle,
    // and Node parses 235 KB instead of 390 KB at every start. Nothing relies on function names.
    minify: true,
    logLevel: 'warning',
  });
  // The CLI's own modules are all in the bundle now; nothing else imports them.
  for (const name of readdirSync(path.dirname(bin))) {
    if (name !== path.basename(out)) rmSync(path.join(path.dirname(bin), name));
  }
  renameSync(out, bin);
  chmodSync(bin, 0o755);
}

compile();
rewriteAssetUrls();
await stripComments();
copyAssets();
await bundleCli();
console.log(`build: dist/lib (compiled engine, CLI (bundled bin), component, worker + wasm core), dist/models/registry.json and dist/models/encyclopedia`);
