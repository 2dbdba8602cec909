// The npm package as portal builders use it: `npm pack`, installed into a fresh project, then
// imported from plain Node ESM (no tsx), run as a bin, type-checked by strict TypeScript
// consumers, and bundled by Vite into an app that Chromium runs (threaded and SIMD-only); then
// the static app embedded by a portal's iframe. (dist/app's service worker: service-worker.test.ts.)
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { column, readCsv, repoPath, sharedPath } from '../web/engine/testing/fixtures.ts';
import { ARGS, buildApp, DIST } from './support/harness.ts';
import { ensurePackageBuilt, installInFreshProject, pack, type Packed, serveCdn } from './support/pack.ts';
import { serveStatic } from './support/serve.ts';

/** Budgets of what `npm install celltypist-wasm` downloads and unpacks (the two wasm builds are ~1.2 MB). */
const BUDGET = { packed: 1_000_000, unpacked: 2_500_000 };
const QUERY = sharedPath('fixtures/synthetic/query_1k.h5ad');
const MODEL = sharedPath('fixtures/models/toy_lr.pkl');
const EXPECTED = sharedPath('fixtures/expected/toy_lr__query_1k/best_match/predicted_labels.csv');
const DEMO = repoPath('web/app/public/demo');

let work: string;
let packed: Packed;
let project: string;
/** A plain Node environment: no tsx loader, no NODE_PATH. */
const plainEnv = () => {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_PATH;
  return env;
};
/** Like spawnSync, without blocking this process's event loop (the test's own servers must answer). */
function spawnAsync(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
const nodeRun = (args: string[], cwd = project) => spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: plainEnv(), timeout: 120_000 });

let demoLabels: string[] | null = null;
/** The demo's labels through the package's Node entry (what the browsers must reproduce). */
function demoLabelsFromNode(): string[] {
  if (demoLabels) return demoLabels;
  writeFileSync(path.join(project, 'demo.mjs'), `import { annotate } from 'celltypist-wasm';\nconst r = await annotate(process.argv[2], process.argv[3]);\nconsole.log(JSON.stringify(r.predicted_labels));\n`);
  const r = nodeRun(['demo.mjs', path.join(DEMO, 'demo.h5ad'), path.join(DEMO, 'demo_model.pkl')]);
  assert.equal(r.status, 0, r.stderr);
  demoLabels = JSON.parse(r.stdout) as string[];
  return demoLabels;
}

before(() => {
  ensurePackageBuilt();
  work = mkdtempSync(path.join(tmpdir(), 'ctw-pack-'));
  packed = pack(work);
  project = installInFreshProject(packed.tarball, ['@types/node']);
});
after(() => {
  if (process.env.CTW_KEEP_TMP) return console.log(`kept ${work} and ${project}`);
  rmSync(work, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
});

describe('npm package', () => {
  it('the tarball holds only what runs, within the size budget', () => {
    const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
    const largest = [...packed.files].sort((a, b) => b.size - a.size).slice(0, 4);
    console.log(
      `package size: ${kb(packed.size)} packed (budget ${kb(BUDGET.packed)}), ${kb(packed.unpackedSize)} unpacked (budget ${kb(BUDGET.unpacked)}), ` +
        `${packed.files.length} files; largest: ${largest.map((f) => `${f.path.split('/').pop()} ${kb(f.size)}`).join(', ')}`,
    );
    assert.ok(packed.size <= BUDGET.packed, `packed ${packed.size} > ${BUDGET.packed}`);
    assert.ok(packed.unpackedSize <= BUDGET.unpacked, `unpacked ${packed.unpackedSize} > ${BUDGET.unpacked}`);
    const paths = packed.files.map((f) => f.path);
    const stray = paths.filter((p) => !/^(dist\/lib\/|dist\/models\/registry\.json$|dist\/models\/encyclopedia\/[\w.-]+\.json\.gz$|package\.json$|README\.md$|LICENSE$|docs\/(api|hosting)\.md$)/.test(p));
    assert.deepEqual(stray, [], 'only compiled JS, types, the wasm builds, the registry, the cell-type encyclopedias, README, licence and docs');
    assert.deepEqual(paths.filter((p) => /\.ts$/.test(p) && !p.endsWith('.d.ts')), [], 'no TypeScript sources');
    assert.deepEqual(paths.filter((p) => /\.test\.|\/testing\//.test(p)), [], 'no tests');
    for (const f of ['ct-simd.wasm', 'ct-threads.wasm', 'ct-threads.worker.js', 'ct-simd.js', 'ct-threads.js']) assert.ok(paths.includes(`dist/lib/engine/wasm/generated/${f}`), f);
    for (const f of ['README.md', 'LICENSE', 'docs/api.md', 'docs/hosting.md', 'dist/models/registry.json', 'dist/models/encyclopedia/Immune_All_Low_v2.json.gz']) assert.ok(paths.includes(f), f);
    for (const f of ['engine/node.js', 'engine/node.d.ts', 'engine/browser.js', 'engine/browser.d.ts', 'component/celltypist-annotator.js', 'engine/worker/worker.js', 'cli/bin.js']) assert.ok(paths.includes(`dist/lib/${f}`), f);
    const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    // The bin is one bundled module (start-up): no relative imports left to resolve at run time.
    assert.doesNotMatch(readFileSync(repoPath('dist/lib/cli/bin.js'), 'utf8'), /\bfrom\s+["']\.\.?\//, 'dist/lib/cli/bin.js is bundled');
    for (const dev of ['tsx', 'typescript', 'vite', 'playwright-core', 'esbuild']) {
      assert.ok(!(dev in pkg.dependencies), `${dev} must not be a runtime dependency`);
      assert.ok(dev in pkg.devDependencies, `${dev} is a devDependency`);
    }
  });

  it('plain Node ESM (no tsx) annotates a fixture with CellTypist labels, in the main thread and a worker thread', () => {
    writeFileSync(
      path.join(project, 'annotate.mjs'),
      `import { annotate, annotateInWorker, modelInfo, CellTypistError } from 'celltypist-wasm';
const [input, model] = process.argv.slice(2);
const r = await annotate(input, model, { mode: 'best_match', n_threads: 2 });
const small = await annotate(input, model);
// 50 chunks on the threaded build: between chunks only the wait for the core's wake-up keeps the
// event loop busy (its workers are unref'd); Node would exit with 13 if that wait were not held.
const chunked = await annotate(input, model, { n_threads: 2, chunk_rows: 20 });
const w = await annotateInWorker(input, model, { variant: 'simd' });
const info = await modelInfo(model);
let error = '';
try { await annotate('missing.h5ad', model); } catch (e) { error = e instanceof CellTypistError ? e.code + ': ' + e.message : 'not a CellTypistError'; }
console.log(JSON.stringify({ cells: r.cell_ids, labels: r.predicted_labels, worker: w.predicted_labels, variant: r.stats.engine_variant, small: small.predicted_labels, smallVariant: small.stats.engine_variant, chunked: chunked.predicted_labels, n_types: info.labels.length, error }));
`,
    );
    const r = nodeRun(['annotate.mjs', QUERY, MODEL]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { cells: string[]; labels: string[]; worker: string[]; variant: string; small: string[]; smallVariant: string; chunked: string[]; n_types: number; error: string };
    const want = readCsv(EXPECTED);
    assert.deepEqual(out.cells, want.index);
    assert.deepEqual(out.labels, column(want, 'predicted_labels'));
    assert.deepEqual(out.worker, out.labels);
    assert.equal(out.variant, 'simd-threads'); // a thread count asks for the threaded build
    assert.deepEqual(out.small, out.labels);
    assert.equal(out.smallVariant, 'simd'); // by default, a small input runs on the SIMD build
    assert.deepEqual(out.chunked, out.labels);
    assert.equal(out.n_types, 6);
    assert.match(out.error, /missing\.h5ad/);
  });

  it("docs/api.md's complete Node example runs as written (catalog model downloaded once, then cached)", async () => {
    const code = /```js\n(\/\/ annotate\.mjs[\s\S]*?)```/.exec(readFileSync(repoPath('docs/api.md'), 'utf8'))?.[1];
    assert.ok(code, 'the example is in docs/api.md');
    const dir = path.join(project, 'docs-example');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'annotate.mjs'), code);
    // The catalog entry it names, served by a local stand-in for the model host.
    const cdn = await serveCdn(path.dirname(MODEL));
    try {
      const sha256 = createHash('sha256').update(readFileSync(MODEL)).digest('hex');
      const registry = { format: 1, catalog_url: `${cdn.url}models.json`, catalog_last_update: '2026-01-01', models: [{ name: 'Immune_All_Low', file: 'toy_lr.pkl', url: `${cdn.url}toy_lr.pkl`, mirrors: [], version: 'v2', date: '', details: '', n_cell_types: 6, source: '', default: true, size: null, sha256 }] };
      writeFileSync(path.join(dir, 'registry.json'), JSON.stringify(registry));
      const env = { ...plainEnv(), CELLTYPIST_WASM_REGISTRY: path.join(dir, 'registry.json'), CELLTYPIST_WASM_CACHE: path.join(dir, 'cache') };
      for (const round of [1, 2]) {
        const r = await spawnAsync(process.execPath, ['annotate.mjs', QUERY], { cwd: dir, env });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /1000 cells; first: \S+ → .+/);
        assert.deepEqual(column(readCsv(path.join(dir, 'predicted_labels.csv')), 'predicted_labels'), column(readCsv(EXPECTED), 'predicted_labels'), `round ${round}`);
      }
      assert.deepEqual(cdn.requests, ['/toy_lr.pkl'], 'downloaded once, then from the cache');
      const bad = await spawnAsync(process.execPath, ['annotate.mjs', path.join(dir, 'nope.h5ad')], { cwd: dir, env });
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /\nerror \(not_found\): cannot read .*nope\.h5ad/);
    } finally {
      await cdn.stop();
    }
  });

  it('the celltypist-wasm bin runs the compiled CLI', () => {
    const bin = path.join(project, 'node_modules/.bin/celltypist-wasm');
    const run = (args: string[]) => spawnSync(bin, args, { cwd: project, encoding: 'utf8', env: plainEnv(), timeout: 120_000 });
    const outdir = path.join(project, 'out');
    const r = run(['annotate', '-i', QUERY, '-m', MODEL, '-o', outdir, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const got = readCsv(path.join(outdir, 'predicted_labels.csv'));
    assert.deepEqual(column(got, 'predicted_labels'), column(readCsv(EXPECTED), 'predicted_labels'));
    assert.deepEqual(readdirSync(outdir).sort(), ['decision_matrix.csv', 'predicted_labels.csv', 'probability_matrix.csv']);
    const models = run(['models']); // the catalog from the shipped registry
    assert.equal(models.status, 0, models.stderr);
    assert.match(models.stdout, /Immune_All_Low/);
    const bad = run(['annotate', '-i', path.join(project, 'nope.h5ad'), '-m', MODEL, '-o', outdir]);
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  });

  it('strict TypeScript consumers type-check (Node and browser resolution, no skipLibCheck)', () => {
    writeFileSync(
      path.join(project, 'node-consumer.ts'),
      `import { annotate, annotateInWorker, train, modelInfo, CellTypistError, type AnnotationResult, type NodeAnnotateOptions, type Progress } from 'celltypist-wasm';
const options: NodeAnnotateOptions = { mode: 'prob_match', p_thres: 0.5, majority_voting: true, variant: 'simd' };
const result: AnnotationResult = await annotate('data.h5ad', 'model.pkl', options, (p: Progress) => console.log(p.stage, p.fraction));
const labels: string[] = result.predicted_labels;
const conf: Float64Array | Float32Array = result.conf_score;
await annotateInWorker('data.h5ad', new Uint8Array(0), {});
const trained = await train('ref.h5ad', { labels: 'cell_type' });
const bytes: Uint8Array = trained.bytes;
const info = await modelInfo('model.pkl', 5);
const types: string[] = info.labels;
// @ts-expect-error -- not a CellTypist mode
const wrong: NodeAnnotateOptions = { mode: 'best' };
const err = new CellTypistError('code', 'message');
console.log(labels, conf, bytes, types, wrong, err.code);
`,
    );
    writeFileSync(
      path.join(project, 'browser-consumer.ts'),
      `import { BrowserAnnotator, CORE_FILES, type BrowserAnnotation, type CoreFile } from 'celltypist-wasm';
import { CellTypistAnnotator } from 'celltypist-wasm/component';
const annotator = new BrowserAnnotator({ locateFile: (f: CoreFile) => 'https://cdn.example.org/celltypist-wasm/' + f });
export async function run(file: File, model: Uint8Array): Promise<string[]> {
  const out: BrowserAnnotation = await annotator.annotate(file, model, { mode: 'best_match', embedding: 'X_umap' }, (p) => console.log(p.stage));
  return out.result.majority_voting ?? out.result.predicted_labels;
}
const el = document.querySelector('celltypist-annotator') as CellTypistAnnotator;
el.addEventListener('annotated', (e) => console.log((e as CustomEvent).detail));
void el.setModel(new Uint8Array(0));
console.log(CORE_FILES.length);
`,
    );
    const base = { strict: true, noEmit: true, skipLibCheck: false, target: 'ES2022', noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: false };
    writeFileSync(path.join(project, 'tsconfig.node.json'), JSON.stringify({ compilerOptions: { ...base, module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'], lib: ['ES2022'] }, files: ['node-consumer.ts'] }));
    writeFileSync(
      path.join(project, 'tsconfig.browser.json'),
      JSON.stringify({ compilerOptions: { ...base, module: 'ESNext', moduleResolution: 'Bundler', types: [], lib: ['ES2022', 'DOM', 'DOM.Iterable'] }, files: ['browser-consumer.ts'] }),
    );
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    for (const cfg of ['tsconfig.node.json', 'tsconfig.browser.json']) {
      const r = spawnSync(process.execPath, [repoPath('node_modules/typescript/bin/tsc'), '-p', cfg], { cwd: project, encoding: 'utf8' });
      assert.equal(r.status, 0, `${cfg}:\n${r.stdout}${r.stderr}`);
    }
  });
});

describe('a Vite app importing celltypist-wasm/component', () => {
  let app: string;
  let browser: Browser;
  let nodeLabels: string[];

  before(async () => {
    app = path.join(project, 'portal');
    mkdirSync(path.join(app, 'public'), { recursive: true });
    copyFileSync(path.join(DEMO, 'demo.h5ad'), path.join(app, 'public/demo.h5ad'));
    copyFileSync(path.join(DEMO, 'demo_model.pkl'), path.join(app, 'public/demo_model.pkl'));
    writeFileSync(
      path.join(app, 'index.html'),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A portal</title></head><body>
<h1>Portal</h1><celltypist-annotator id="annotator" embedding="X_umap"></celltypist-annotator>
<script type="module" src="./main.js"></script></body></html>
`,
    );
    writeFileSync(
      path.join(app, 'main.js'),
      `import 'celltypist-wasm/component';
const el = document.getElementById('annotator');
el.addEventListener('annotated', (e) => { window.labels = e.detail.predicted_labels; document.body.dataset.annotated = String(e.detail.stats.n_cells); });
el.addEventListener('error', (e) => { document.body.dataset.error = e.detail.message; });
window.annotateDemo = async () => {
  await el.setModel(new Uint8Array(await (await fetch('./demo_model.pkl')).arrayBuffer()));
  const blob = await (await fetch('./demo.h5ad')).blob();
  await el.annotate(new File([blob], 'demo.h5ad'));
};
`,
    );
    // The browser API as docs/api.md shows it: BrowserAnnotator, bundled core or a CDN's.
    writeFileSync(
      path.join(app, 'api.html'),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>API</title></head><body><script type="module" src="./api.js"></script></body></html>\n`,
    );
    writeFileSync(
      path.join(app, 'api.js'),
      `import { BrowserAnnotator, CellTypistError } from 'celltypist-wasm';
window.annotateWithApi = async (wasmBaseUrl) => {
  const annotator = new BrowserAnnotator(wasmBaseUrl ? { wasmBaseUrl } : {});
  try {
    const variant = await annotator.ready;
    const model = new Uint8Array(await (await fetch('./demo_model.pkl')).arrayBuffer());
    const file = new File([await (await fetch('./demo.h5ad')).blob()], 'demo.h5ad');
    const info = await annotator.modelInfo(model);
    const stages = new Set();
    const { result, embedding } = await annotator.annotate(file, model, { mode: 'best_match' }, (p) => stages.add(p.stage));
    let error = '';
    try { await annotator.annotate(new File(['not hdf5'], 'notes.txt'), model); } catch (e) { error = e instanceof CellTypistError ? e.code + ': ' + e.message : 'not a CellTypistError'; }
    return { variant, labels: result.predicted_labels, n_types: info.labels.length, embedding: embedding && embedding.name, stages: [...stages], error };
  } finally {
    annotator.terminate();
  }
};
`,
    );
    writeFileSync(path.join(app, 'vite.config.mjs'), `export default { build: { rollupOptions: { input: { main: 'index.html', api: 'api.html' } } } };\n`);
    // The same demo through the Node entry of the same package: the browser must agree.
    nodeLabels = demoLabelsFromNode();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  });
  after(async () => {
    await browser?.close();
  });

  it('builds with no configuration: the worker and the wasm core are emitted as assets', () => {
    execFileSync(process.execPath, [repoPath('node_modules/vite/bin/vite.js'), 'build', app, '--logLevel', 'error'], { cwd: app, stdio: 'pipe', env: plainEnv() });
    const assets = readdirSync(path.join(app, 'dist/assets'));
    for (const re of [/^ct-simd-.*\.wasm$/, /^ct-threads-.*\.wasm$/, /^ct-simd-.*\.js$/, /^ct-threads-.*\.js$/, /^worker-.*\.js$/]) assert.ok(assets.some((a) => re.test(a)), `${re} in ${assets.join(' ')}`);
    const total = assets.reduce((s, a) => s + statSync(path.join(app, 'dist/assets', a)).size, 0);
    console.log(`consumer app: ${assets.length} assets, ${(total / 1024).toFixed(0)} KB`);
  });

  it('BrowserAnnotator (docs example) annotates in a worker, with the bundled core or one on a CDN (locateFile/baseUrl)', async () => {
    const server = await serveStatic(path.join(app, 'dist'), true);
    // A CDN holding the package's core files, on another origin (CORS + CORP headers).
    const cdn = await serveCdn(path.join(project, 'node_modules/celltypist-wasm/dist/lib/engine/wasm/generated'));
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (q) => requests.push(q.url()));
    try {
      await page.goto(`${server.url}api.html`);
      await page.waitForFunction(() => typeof (window as unknown as { annotateWithApi?: unknown }).annotateWithApi === 'function');
      type Out = { variant: string; labels: string[]; n_types: number; embedding: string | null; stages: string[]; error: string };
      const run = (base?: string) => page.evaluate((b) => (window as unknown as { annotateWithApi(b?: string): Promise<Out> }).annotateWithApi(b), base);
      const bundled = await run();
      assert.equal(bundled.variant, 'simd-threads');
      assert.deepEqual(bundled.labels, nodeLabels);
      assert.equal(bundled.n_types, 6);
      assert.equal(bundled.embedding, 'X_umap');
      assert.ok(bundled.stages.includes('predict'), bundled.stages.join());
      assert.match(bundled.error, /^[a-z_]+: .*notes\.txt/); // one clear CellTypistError naming the file
      assert.deepEqual(cdn.requests, []);
      const seen = requests.length;
      const fromCdn = await run(cdn.url);
      assert.equal(fromCdn.variant, 'simd-threads');
      assert.deepEqual(fromCdn.labels, nodeLabels);
      assert.deepEqual([...new Set(cdn.requests)].sort(), ['/ct-threads.js', '/ct-threads.wasm', '/ct-threads.worker.js']);
      assert.ok(!requests.slice(seen).some((u) => /ct-threads-[^/]*\.wasm$/.test(u)), 'the bundled core is not fetched when a CDN is given');
    } finally {
      await page.close();
      await server.close();
      await cdn.stop();
    }
  });

  for (const isolated of [true, false]) {
    it(`annotates the demo in Chromium (${isolated ? 'COOP/COEP: threaded build' : 'no COOP/COEP: SIMD-only build'}) with the labels of the Node entry`, async () => {
      const server = await serveStatic(path.join(app, 'dist'), isolated);
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (q) => requests.push(q.url()));
      try {
        await page.goto(server.url);
        await page.waitForFunction(() => typeof (window as unknown as { annotateDemo?: unknown }).annotateDemo === 'function');
        await page.evaluate(() => (window as unknown as { annotateDemo(): Promise<void> }).annotateDemo());
        await page.waitForFunction(() => document.body.dataset.annotated || document.body.dataset.error, null, { timeout: 60000 });
        assert.equal(await page.evaluate(() => document.body.dataset.error ?? ''), '');
        assert.deepEqual(await page.evaluate(() => (window as unknown as { labels: string[] }).labels), nodeLabels);
        const legend = await page.evaluate(() => document.getElementById('annotator')!.shadowRoot!.querySelectorAll('tbody tr').length);
        assert.equal(legend, new Set(nodeLabels).size);
        const core = requests.filter((u) => /ct-(simd|threads)-[^/]*\.wasm$/.test(u)).map((u) => u.split('/').pop()!.split('-')[1]);
        assert.deepEqual(core, [isolated ? 'threads' : 'simd']);
        assert.deepEqual(requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('blob:') && !u.startsWith('data:')), []);
      } finally {
        await page.close();
        await server.close();
      }
    });
  }
});

describe('portal iframe: postMessage a file, receive the labels', () => {
  let browser: Browser;
  let app: Awaited<ReturnType<typeof serveStatic>>;
  let portal: Awaited<ReturnType<typeof serveStatic>>;
  let portalDir: string;
  before(async () => {
    if (!readdirSync(DIST).includes('sw.js')) buildApp('');
    app = await serveStatic(DIST, false);
    portalDir = mkdtempSync(path.join(tmpdir(), 'ctw-portal-'));
    copyFileSync(path.join(DEMO, 'demo.h5ad'), path.join(portalDir, 'demo.h5ad'));
    copyFileSync(path.join(DEMO, 'demo_model.pkl'), path.join(portalDir, 'demo_model.pkl'));
    portal = await serveStatic(portalDir, false); // another port: another origin
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await portal?.close();
    rmSync(portalDir, { recursive: true, force: true });
  });

  /** A portal page embedding the app; `allowed` is the app's portal-origin parameter. */
  function portalPage(allowed: string): string {
    const appOrigin = new URL(app.url).origin;
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>portal</title></head><body>
<iframe id="ct" src="${app.url}?portal-origin=${encodeURIComponent(allowed)}" width="1200" height="800"></iframe>
<script>
window.replies = [];
window.addEventListener('message', (e) => { if (e.origin === ${JSON.stringify(appOrigin)}) window.replies.push(e.data); });
window.send = (msg) => document.getElementById('ct').contentWindow.postMessage(msg, ${JSON.stringify(appOrigin)});
window.reply = (id, ms) => new Promise((resolve) => { const t0 = Date.now(); const f = () => { const r = window.replies.find((x) => x.id === id); if (r || Date.now() - t0 > ms) resolve(r ?? null); else setTimeout(f, 50); }; f(); });
</script></body></html>`;
  }

  it('annotates a file sent by the portal (labels as from Node), explains a bad file, and ignores origins it was not told to trust', async () => {
    const want = demoLabelsFromNode();
    const portalOrigin = new URL(portal.url).origin;
    writeFileSync(path.join(portalDir, 'portal.html'), portalPage(portalOrigin));
    writeFileSync(path.join(portalDir, 'other.html'), portalPage('https://portal.example.org'));
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    try {
      await page.goto(`${portal.url}portal.html`);
      await page.waitForFunction(() => (window as unknown as { replies: { type: string }[] }).replies.some((r) => r.type === 'celltypist:ready'), null, { timeout: 30000 });
      const result = await page.evaluate(async () => {
        const w = window as unknown as { send(m: object): void; reply(id: number, ms: number): Promise<Record<string, unknown> | null> };
        const file = new File([await (await fetch('./demo.h5ad')).blob()], 'demo.h5ad');
        const model = await (await fetch('./demo_model.pkl')).arrayBuffer();
        w.send({ type: 'celltypist:annotate', id: 1, file, model, options: { mode: 'best_match' } });
        return w.reply(1, 60000);
      });
      assert.equal(result?.type, 'celltypist:result', JSON.stringify(result));
      assert.deepEqual(result!.predicted_labels, want);
      assert.equal((result!.cell_ids as string[]).length, want.length);
      // The run is shown in the frame, as if the user had made it.
      const frame = page.frame({ url: (u) => u.href.startsWith(app.url) })!;
      assert.match((await frame.textContent('#result-summary'))!, /1,500 cells annotated/);
      // A file that is not an .h5ad: one clear error message back, with the request's id.
      const bad = await page.evaluate(async () => {
        const w = window as unknown as { send(m: object): void; reply(id: string, ms: number): Promise<Record<string, unknown> | null> };
        w.send({ type: 'celltypist:annotate', id: 'bad', file: new Blob(['cell,gene\n']), name: 'table.csv' });
        return w.reply('bad', 30000);
      });
      assert.equal(bad?.type, 'celltypist:error', JSON.stringify(bad));
      assert.match(String(bad!.message), /table\.csv/);
      // A portal the app was not told to trust gets no answer.
      await page.goto(`${portal.url}other.html`);
      await page.waitForFunction(() => (window as unknown as { replies: { type: string }[] }).replies.some((r) => r.type === 'celltypist:ready'), null, { timeout: 30000 });
      const ignored = await page.evaluate(async () => {
        const w = window as unknown as { send(m: object): void; reply(id: number, ms: number): Promise<unknown> };
        w.send({ type: 'celltypist:annotate', id: 3, file: new File([await (await fetch('./demo.h5ad')).blob()], 'demo.h5ad') });
        return w.reply(3, 3000);
      });
      assert.equal(ignored, null);
    } finally {
      await page.close();
    }
  });
});
