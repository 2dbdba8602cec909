/**
 * Benchmark of the app's exports as a user runs them: the production build in Debian's Chromium,
 * a large file annotated with a large model, then each download one after the other (predicted
 * labels, decision and probability matrices, annotated .h5ad, annotations-only .h5ad). For each:
 * wall time from click to saved file, the largest Chromium process's peak RSS and the whole
 * browser's, its CPU time, and the page's slowest answer to a ping during the export (it must keep
 * answering clicks). With --cli-dir (a CLI run on the same file and model) sampled rows of the
 * downloads are checked against the CLI's files.
 *
 *   node --import tsx scripts/bench-exports.ts [--input FILE.h5ad]   (default: build-bench/q200k.h5ad, generated once)
 *     [--model ../shared/bench/bench98.pkl] [--staging auto|opfs|blob] [--cli-dir DIR] [--only labels,h5ad]
 *     [--context persistent|private]
 *
 * --context private: a non-persistent Chromium context, as a private window (its storage in memory
 * with a small quota); persistent (default): a profile on disk, as a user's browser. The page's
 * service worker runs in both, so each export takes the path the page plans for it (printed).
 * With --cli-dir each download's size is compared with the CLI's file.
 */
import { execFileSync, execSync, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { ARGS, buildApp, DIST } from '../e2e/support/harness.ts';
import { serveStatic } from '../e2e/support/serve.ts';
import { repoPath } from '../web/engine/testing/fixtures.ts';
import { benchQuery } from './bench-data.ts';

const { values } = parseArgs({
  options: {
    input: { type: 'string' }, // default: the 200k bench query (generated once into build-bench/)
    model: { type: 'string', default: repoPath('../shared/bench/bench98.pkl') },
    staging: { type: 'string', default: 'auto' },
    'cli-dir': { type: 'string' },
    only: { type: 'string' },
    context: { type: 'string', default: 'persistent' },
    query: { type: 'string', default: '' }, // more page parameters, e.g. export-h5ad=replay
  },
});

const EXPORTS = [
  { kind: 'labels', button: '#dl-labels', cli: 'predicted_labels.csv' },
  { kind: 'decision', button: '#dl-decision', cli: 'decision_matrix.csv' },
  { kind: 'probability', button: '#dl-probability', cli: 'probability_matrix.csv' },
  { kind: 'h5ad', button: '#dl-h5ad', cli: 'annotated.h5ad' },
  { kind: 'h5ad-light', button: '#dl-h5ad-light', cli: 'annotated_light.h5ad' },
].filter((e) => !values.only || values.only.split(',').includes(e.kind));

const PAGE = 4096;
const TICK = 100; // clock ticks per second (Linux default)

/** The browser's process tree: pid → [rss bytes, cpu ticks]. */
function tree(root: number): Map<number, [number, number]> {
  const parent = new Map<number, number>();
  const stat = new Map<number, string[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(f[1]));
      stat.set(Number(d), f);
    } catch {
      /* exited */
    }
  }
  const out = new Map<number, [number, number]>();
  const inTree = (pid: number): boolean => pid === root || (parent.has(pid) && pid > 1 && inTree(parent.get(pid)!));
  for (const [pid, f] of stat) {
    if (pid === root || !inTree(pid)) continue;
    out.set(pid, [Number(f[21]) * PAGE, Number(f[11]) + Number(f[12])]);
  }
  return out;
}

/** Samples memory and CPU of the browser's processes until stopped. */
function sampler(root: number) {
  let maxProcess = 0;
  let maxTotal = 0;
  const cpu0 = new Map([...tree(root)].map(([p, [, c]]) => [p, c]));
  let cpuLast = new Map(cpu0);
  const timer = setInterval(() => {
    const t = tree(root);
    let total = 0;
    for (const [pid, [rss, c]] of t) {
      maxProcess = Math.max(maxProcess, rss);
      total += rss;
      cpuLast.set(pid, c);
    }
    maxTotal = Math.max(maxTotal, total);
  }, 200);
  return () => {
    clearInterval(timer);
    let cpu = 0;
    for (const [pid, c] of cpuLast) cpu += c - (cpu0.get(pid) ?? 0);
    return { maxProcess, maxTotal, cpuSeconds: cpu / TICK };
  };
}

/** Pings the page's main thread while an export runs; returns the slowest answer (ms). */
function pinger(page: Page) {
  let worst = 0;
  let on = true;
  const loop = (async () => {
    while (on) {
      const t = Date.now();
      await page.evaluate(() => document.getElementById('export-text')?.textContent).catch(() => {});
      worst = Math.max(worst, Date.now() - t);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return async () => {
    on = false;
    await loop;
    return worst;
  };
}

/** Sampled lines (every k-th) of two text files are equal; reads in blocks, never whole. */
function sampleLinesEqual(a: string, b: string, every = 997): { checked: number; equal: boolean } {
  const lines = (p: string) => {
    const fd = openSync(p, 'r');
    const buf = Buffer.alloc(1 << 24);
    const out: string[] = [];
    let rest = '';
    let i = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const parts = (rest + buf.toString('utf8', 0, n)).split('\n');
      rest = parts.pop()!;
      for (const l of parts) if (i++ % every === 0) out.push(l);
    }
    closeSync(fd);
    return out;
  };
  const x = lines(a);
  const y = lines(b);
  return { checked: x.length, equal: x.length === y.length && x.every((l, k) => l === y[k]) };
}

function checkH5ad(app: string, cli: string): string {
  const r = spawnSync(
    '/usr/bin/python3',
    [
      '-c',
      `import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], 'r'), h5py.File(sys.argv[2], 'r')
for c in ['predicted_labels', 'conf_score']:
    assert np.array_equal(a['obs'][c][:], b['obs'][c][:]), c
rows = np.arange(0, a['obsm/probability_matrix'].shape[0], 997)
assert np.array_equal(a['obsm/probability_matrix'][rows, :], b['obsm/probability_matrix'][rows, :])
print('obs equal, probability rows equal:', len(rows))`,
      app,
      cli,
    ],
    { encoding: 'utf8' },
  );
  return r.status === 0 ? r.stdout.trim() : `MISMATCH ${r.stderr.trim().split('\n').pop()}`;
}

/**
 * The page computes a UMAP layout for files without an embedding, which is not what this bench
 * measures (and takes minutes at 200k cells): such inputs get a copy with a random obsm['X_umap'].
 */
async function withEmbedding(input: string, dir: string): Promise<string> {
  const h5 = (await import('h5wasm/node')).default;
  await h5.ready;
  const f = new h5.File(input, 'r');
  const obsm = f.get('obsm') as unknown as { keys(): string[] } | null;
  const n = (f.get('obs/_index') as unknown as { shape: number[] }).shape[0];
  const has = obsm?.keys().includes('X_umap');
  f.close();
  if (has) return input;
  const copy = path.join(dir, `${path.basename(input, '.h5ad')}_with_umap.h5ad`);
  copyFileSync(input, copy);
  const g = new h5.File(copy, 'a');
  const xy = new Float32Array(2 * n);
  for (let i = 0; i < xy.length; i++) xy[i] = Math.sin(i * 12.9898) * 10;
  const ds = (g.get('obsm') as unknown as { create_dataset(a: object): { create_attribute(k: string, v: string): void } }).create_dataset({ name: 'X_umap', data: xy, shape: [n, 2] });
  ds.create_attribute('encoding-type', 'array');
  ds.create_attribute('encoding-version', '0.2.0');
  g.close();
  return copy;
}

async function main() {
  const out = repoPath('tmp/bench-exports');
  mkdirSync(out, { recursive: true });
  values.input = await withEmbedding(values.input ?? benchQuery('q200k.h5ad'), out);
  const cliDir = values['cli-dir'];
  if (cliDir && !existsSync(path.join(cliDir, 'annotated.h5ad'))) {
    // The CLI's files on the same input (--normalize: the page's default option).
    const t = Date.now();
    execFileSync(process.execPath, [repoPath('web/cli/bin.mjs'), 'annotate', '-i', values.input, '-m', values.model!, '-o', cliDir, '--normalize', '--write-h5ad', '--quiet'], { stdio: 'inherit', env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
    console.log(`CLI: ${((Date.now() - t) / 1000).toFixed(0)} s into ${cliDir}`);
  }
  buildApp('');
  const server = await serveStatic(DIST, true);
  // A persistent profile, as a user's browser: OPFS and Blob storage on disk (a fresh Playwright
  // context is off-the-record, whose storage lives in memory with a small quota).
  const profile = mkdtempSync(path.join(tmpdir(), 'ctw-bench-profile-'));
  const priv = values.context === 'private';
  const launched = priv ? await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS, downloadsPath: out }) : null;
  const browser = launched ? await launched.newContext({ acceptDownloads: true }) : await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: ARGS, downloadsPath: out, acceptDownloads: true });
  // Chromium runs as children of this process: its tree minus ourselves.
  const root = process.pid;
  const page = browser.pages()[0] ?? (await browser.newPage());
  const params = [values.staging === 'auto' ? '' : `export-staging=${values.staging}`, values.query].filter(Boolean).join('&');
  await page.goto(params ? `${server.url}?${params}` : server.url);
  await page.waitForSelector('#engine-status:not(:empty)', { timeout: 60000 });
  await page.waitForFunction(() => !!navigator.serviceWorker?.controller, null, { timeout: 30000 }).catch(() => console.log('(no service worker controls the page)'));
  const storage = await page.evaluate(async () => {
    const e = await navigator.storage.estimate();
    return `${((e.quota ?? 0) / 1e9).toFixed(1)} GB quota, ${((e.usage ?? 0) / 1e9).toFixed(2)} GB used`;
  });
  console.log(`context: ${priv ? 'private (non-persistent)' : 'persistent profile'}; storage: ${storage}`);
  await page.setInputFiles('#model-file', values.model!);
  await page.setInputFiles('#data-file', values.input!);
  await page.waitForFunction(() => !(document.getElementById('run') as HTMLButtonElement).disabled, null, { timeout: 600000 });
  const t0 = Date.now();
  const stopRun = sampler(root);
  await page.click('#run');
  await page.waitForFunction(() => document.body.dataset.state === 'results' || document.getElementById('error')!.textContent !== '', null, { timeout: 3600000, polling: 1000 });
  const run = stopRun();
  const err = await page.textContent('#error');
  if (err) throw new Error(err);
  const gb = (b: number) => (b / 1e9).toFixed(2);
  console.log(`input ${values.input} (${gb(statSync(values.input!).size)} GB), model ${path.basename(values.model!)}, staging ${values.staging}, ${execSync('uptime').toString().trim()}`);
  console.log(`annotation: ${((Date.now() - t0) / 1000).toFixed(1)} s, largest process ${gb(run.maxProcess)} GB, browser ${gb(run.maxTotal)} GB`);
  console.log('export                 seconds  cpu s   size bytes      CLI bytes   largest process GB  browser GB  slowest page answer ms  path  check');
  for (const e of EXPORTS) {
    const stop = sampler(root);
    const ping = pinger(page);
    const t = Date.now();
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 3600000 }), page.click(e.button)]);
    const file = await dl.path().catch(() => null);
    if (!file) {
      await page.waitForFunction(() => document.getElementById('export-status')?.dataset.state !== 'running', null, { timeout: 3600000, polling: 500 });
      console.log(`${e.kind.padEnd(22)} download failed (${await dl.failure()}); the page says: ${await page.textContent('#export-text')}`);
      stop();
      await ping();
      continue;
    }
    await page.waitForFunction(() => document.getElementById('export-status')?.dataset.state !== 'running', null, { timeout: 3600000, polling: 500 });
    const secs = (Date.now() - t) / 1000;
    const worst = await ping();
    const m = stop();
    const status = (await page.textContent('#export-text'))!;
    const route = await page.evaluate(() => document.getElementById('export-status')!.dataset.via ?? '');
    let check = status.startsWith('Saved') ? 'saved' : status;
    const cliBytes = values['cli-dir'] ? statSync(path.join(values['cli-dir'], e.cli)).size : NaN;
    if (values['cli-dir']) {
      const ref = path.join(values['cli-dir'], e.cli);
      if (e.kind.startsWith('h5ad')) check = checkH5ad(file, ref);
      else {
        const s = sampleLinesEqual(file, ref);
        check = `${s.equal ? 'equal' : 'MISMATCH'} on ${s.checked} sampled rows`;
      }
    }
    console.log(
      `${e.kind.padEnd(22)} ${secs.toFixed(1).padStart(7)} ${m.cpuSeconds.toFixed(0).padStart(6)} ${String(statSync(file).size).padStart(12)} ${String(cliBytes).padStart(12)} ${gb(m.maxProcess).padStart(19)} ${gb(m.maxTotal).padStart(11)} ${String(worst).padStart(23)}  ${route}  ${check}`,
    );
  }
  console.log(`load after: ${execSync('uptime').toString().trim()}`);
  await browser.close();
  await launched?.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
