/**
 * Whole-page benchmark of the app as users run it: the production build (vite) served
 * cross-origin isolated on loopback, Debian's Chromium (swiftshader WebGL), a 98-type model.
 * For each case: click on Annotate → results visible (body[data-state=results]) and → plot drawn
 * (body[data-plot=ready]), timed inside the page; peak tab memory (RSS of the tab's renderer
 * process, which holds the page and its workers, and its private part without shared library
 * pages, i.e. Chrome's "memory footprint"; the GPU process is reported apart) sampled from /proc,
 * up to the plot and up to the end of the result panels' work that follows it (markers dotplot);
 * CPU seconds of the whole browser over the run (contention on a shared machine inflates wall
 * times, not CPU time). Prints figures, ratios to CellTypist (../shared/bench/README.md) and the
 * issue's targets, and the machine load. Beside each case, the compiled CLI (dist/lib/cli/bin.js,
 * `npm run build`) on the same file right after it, in the same minute: the plain command beside
 * the results (with --majority-voting for a voting case), and with --umap beside a computed plot
 * (--no-cli: none).
 *
 *   node --import tsx scripts/bench-app.ts [--cases 20k,20k-voting,200k,1m,1m-umap] [--file PATH --label NAME]
 *        [--model ../shared/bench/bench98.pkl] [--no-build] [--no-cli] [--screenshots] [--trace]
 *        [--plot-timeout 1800]
 *
 * --screenshots saves docs/app-98-types.png (20k result) and docs/app-200k-plot.png.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { ARGS, DIST } from '../e2e/support/harness.ts';
import { serveStatic } from '../e2e/support/serve.ts';
import { repoPath, sharedPath } from '../web/engine/testing/fixtures.ts';
import { benchQuery } from './bench-data.ts';
import { cliFigure, describeCli } from './cli-figure.ts';

interface Case {
  label: string;
  file: string;
  majority: boolean;
  /** The issue's targets: results, plot (s), tab memory (MB). */
  target?: { results: number; plot?: number; mb: number };
  /** CellTypist 1.7.1 on the same 20k file, whole process (s). */
  celltypist?: number;
  screenshot?: string;
  /** Over 500,000 cells the UMAP waits for "Compute UMAP": click it after the results and time it. */
  request?: boolean;
}

const CASES: Record<string, Case> = {
  // Targets of issue 32 (the page at the CLI's speed).
  '20k': { label: '20k × 19.6k, best match', file: 'q20k.h5ad', majority: false, target: { results: 1.5, plot: 4, mb: 600 }, celltypist: 10.4, screenshot: 'docs/app-98-types.png' },
  '20k-voting': { label: '20k, automatic majority voting', file: 'q20k.h5ad', majority: true, target: { results: 4, mb: 600 }, celltypist: 48.8 },
  '200k': { label: '200k × 19.6k, best match', file: 'q200k.h5ad', majority: false, target: { results: 8, plot: 20, mb: 1500 }, screenshot: 'docs/app-200k-plot.png' },
  // Over 500,000 cells the page computes the UMAP only on request: results and memory.
  '1m': { label: '1M × 19.6k (2% nonzero), best match', file: 'q1m_2pct.h5ad', majority: false, target: { results: Infinity, mb: 2000 } },
  // Issue 32's atlas case: the UMAP asked for after the results, ≤ 180 s, tab ≤ 2 GB.
  '1m-umap': { label: '1M × 19.6k (1% nonzero), UMAP on request', file: 'q1m.h5ad', majority: false, request: true, target: { results: Infinity, plot: 180, mb: 2000 } },
};

const PAGE = 4096;

/** Processes under `root` (inclusive), from /proc. */
function tree(root: number): { pid: number; cmd: string }[] {
  const parent = new Map<number, number>();
  const cmd = new Map<number, string>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      cmd.set(Number(d), readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' '));
    } catch {
      /* gone */
    }
  }
  const out: { pid: number; cmd: string }[] = [];
  const walk = (p: number) => {
    out.push({ pid: p, cmd: cmd.get(p) ?? '' });
    for (const [c, pp] of parent) if (pp === p) walk(c);
  };
  walk(root);
  return out;
}

function rssMb(pid: number): number {
  try {
    return (Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE) / 1e6;
  } catch {
    return 0;
  }
}

/** Private (anonymous) resident memory: what the tab itself holds, without shared library pages. */
function anonMb(pid: number): number {
  try {
    const m = /RssAnon:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1e3 : 0;
  } catch {
    return 0;
  }
}

function cpuSeconds(pids: number[]): number {
  const hz = 100;
  let t = 0;
  for (const p of pids) {
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8');
      const v = f.slice(f.lastIndexOf(')') + 2).split(' ');
      t += (Number(v[11]) + Number(v[12])) / hz;
    } catch {
      /* gone */
    }
  }
  return t;
}

/** Milliseconds from an input event to the next drawn frame (median of 5) for zoom, pan and hover. */
async function interact(page: Page) {
  if ((await page.evaluate(() => document.body.dataset.plot)) !== 'ready') return null;
  const box = (await page.locator('#plot').boundingBox())!;
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  const frames = () => page.evaluate(() => Number(document.getElementById('plot')!.dataset.frames ?? 0));
  const timed = async (act: () => Promise<void>) => {
    const out: number[] = [];
    for (let k = 0; k < 5; k++) {
      const f0 = await frames();
      const t0 = performance.now();
      await act();
      await page.waitForFunction((f) => Number(document.getElementById('plot')!.dataset.frames ?? 0) > f, f0, { polling: 'raf', timeout: 60000 });
      out.push(performance.now() - t0);
    }
    return out.sort((a, b) => a - b)[2];
  };
  await page.mouse.move(cx, cy);
  const zoom = await timed(async () => page.mouse.wheel(0, -120));
  let dx = 0;
  const pan = await timed(async () => {
    await page.mouse.move(cx + dx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + dx + 30, cy + 10);
    await page.mouse.up();
    dx += 5;
  });
  // Hover: the tooltip's update after a pointer move (GPU picking of the point under it).
  const hoverTimes: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    await page.mouse.move(cx + 7 * k, cy - 5 * k);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    hoverTimes.push(performance.now() - t0);
  }
  return { zoom, pan, hover: hoverTimes.sort((a, b) => a - b)[2] };
}

async function runCase(page: Page, c: Case, browserPid: number, model: string, plotTimeout: number, screenshot?: string) {
  await page.setInputFiles('#model-file', model);
  await page.waitForFunction(() => /cell types/.test(document.getElementById('model-summary')!.textContent!) || document.getElementById('error')!.textContent, null, { timeout: 60000 });
  await page.setInputFiles('#data-file', c.file);
  await page.waitForFunction(() => !(document.getElementById('run') as HTMLButtonElement).disabled || document.getElementById('error')!.textContent, null, { timeout: 120000 });
  if (c.majority) await page.check('#majority');
  await page.evaluate(() => {
    const w = window as unknown as { __t: Record<string, number> };
    w.__t = {};
    document.getElementById('run')!.addEventListener('click', () => (w.__t.click = performance.now()), { capture: true, once: true });
    new MutationObserver(() => {
      const b = document.body.dataset;
      if (b.state === 'results' && !w.__t.results) w.__t.results = performance.now();
      if (b.plot === 'ready' && !w.__t.plot) w.__t.plot = performance.now();
    }).observe(document.body, { attributes: true, attributeFilter: ['data-state', 'data-plot'] });
    // Stage trace: the first time each stage's text shows (run progress and UMAP progress).
    const trace: [number, string][] = ((window as unknown as { __trace: [number, string][] }).__trace = []);
    for (const id of ['progress-text', 'plot-text']) {
      const el = document.getElementById(id)!;
      new MutationObserver(() => {
        const key = el.textContent!.replace(/[\d,.]+ of [\d,.]+ cells|\d+%|\d+\.\d+ MB.*/g, '').trim();
        if (key && !trace.some(([, k]) => k === key)) trace.push([performance.now(), key]);
      }).observe(el, { childList: true, characterData: true, subtree: true });
    }
  });
  const procs = () => tree(browserPid);
  const renderers = () => procs().filter((p) => p.cmd.includes('--type=renderer') && !p.cmd.includes('--extension-process'));
  const gpu = () => procs().filter((p) => p.cmd.includes('--type=gpu-process'));
  const cpu0 = cpuSeconds(procs().map((p) => p.pid));
  // The tab's renderer is the one that works: the largest renderer (others are the initial
  // blank page and Chromium's spare renderer).
  const tabPid = () => renderers().reduce((best, p) => (rssMb(p.pid) > rssMb(best.pid) ? p : best)).pid;
  let peakTab = 0;
  let peakAnon = 0;
  let peakGpu = 0;
  const before = rssMb(tabPid());
  const samples: [number, number][] = [];
  const sample = setInterval(() => {
    const pid = tabPid();
    const tab = rssMb(pid);
    samples.push([Date.now(), tab]);
    peakTab = Math.max(peakTab, tab);
    peakAnon = Math.max(peakAnon, anonMb(pid));
    peakGpu = Math.max(peakGpu, gpu().reduce((a, p) => a + rssMb(p.pid), 0));
  }, 200);
  await page.click('#run');
  // Results first; a plot not ready after --plot-timeout seconds is reported as not ready.
  await page.waitForFunction(() => document.body.dataset.state === 'results' || document.getElementById('error')!.textContent, null, { timeout: 3_600_000, polling: 100 });
  await page
    .waitForFunction(() => document.body.dataset.plot === 'ready' || document.body.dataset.plot === 'on-demand' || document.getElementById('error')!.textContent, null, { timeout: plotTimeout * 1000, polling: 100 })
    .catch(() => {});
  let requested = NaN;
  if (c.request && (await page.evaluate(() => document.body.dataset.plot)) === 'on-demand') {
    requested = await page.evaluate(() => performance.now());
    await page.click('#umap-run');
    await page.waitForFunction(() => document.body.dataset.plot === 'ready' || document.body.dataset.plot === 'failed' || document.body.dataset.plot === 'cancelled' || document.getElementById('error')!.textContent, null, { timeout: plotTimeout * 1000, polling: 500 }).catch(() => {});
    if ((await page.evaluate(() => document.body.dataset.plot)) !== 'ready') throw new Error(`${c.label}: the UMAP asked for did not finish: ${await page.textContent('#plot-text')}`);
  }
  await page.waitForTimeout(500); // the frame with the points
  const peakToPlot = peakTab;
  const peakAnonToPlot = peakAnon;
  // The result panels read the file after the plot (markers dotplot, "why this label"): their
  // memory counts too.
  await page
    .waitForFunction(() => !!document.querySelector('#markers-figure svg') || /⚠/.test(document.getElementById('markers-status')?.textContent ?? ''), null, { timeout: 180_000, polling: 200 })
    .catch(() => {});
  clearInterval(sample);
  // "After the run": once the panels' worker has ended after its idle time.
  await page.waitForFunction(() => document.body.dataset.markersWorker !== 'running', null, { timeout: 30_000, polling: 200 }).catch(() => {});
  await page.waitForTimeout(500);
  const idle = rssMb(tabPid());
  const error = await page.textContent('#error');
  if (error) throw new Error(`${c.label}: ${error}`);
  // The screenshot shows the fitted view: before the interaction timings zoom and pan.
  if (screenshot) await page.screenshot({ path: repoPath(screenshot), fullPage: false });
  const interaction = await interact(page);
  const t = await page.evaluate(() => (window as unknown as { __t: Record<string, number> }).__t);
  const trace = await page.evaluate(() => (window as unknown as { __trace: [number, string][] }).__trace);
  const origin = await page.evaluate(() => performance.timeOrigin);
  // Peak tab memory within each stage (until the next stage shows).
  const stagePeak = (k: number) => {
    const from = origin + trace[k][0];
    const to = k + 1 < trace.length ? origin + trace[k + 1][0] : Infinity;
    return samples.filter(([ts]) => ts >= from && ts < to).reduce((a, [, mb]) => Math.max(a, mb), 0);
  };
  return {
    peakToPlot,
    peakAnonToPlot,
    results: (t.results - t.click) / 1000,
    plot: t.plot ? (t.plot - t.click) / 1000 : NaN,
    /** From the click on "Compute UMAP" to the plot (UMAP on request), s. */
    umapAfterRequest: t.plot && !Number.isNaN(requested) ? (t.plot - requested) / 1000 : NaN,
    peakTab,
    peakAnon,
    peakGpu,
    idle,
    cpu: cpuSeconds(procs().map((p) => p.pid)) - cpu0,
    plotState: await page.evaluate(() => document.body.dataset.plot ?? ''),
    /** FNV-1a of a computed UMAP's coordinates (layouts compare equal by it). */
    layoutDigest: await page.evaluate(() => document.body.dataset.layoutDigest ?? ''),
    summary: (await page.textContent('#result-summary'))!.split('\n')[0],
    interaction,
    before,
    trace: trace.map(([ms, k], i) => `${((ms - t.click) / 1000).toFixed(1)} s ${k} (${stagePeak(i).toFixed(0)} MB)`),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: '20k,20k-voting,200k' },
      file: { type: 'string' },
      label: { type: 'string' },
      majority: { type: 'boolean', default: false },
      model: { type: 'string', default: sharedPath('bench/bench98.pkl') },
      'no-build': { type: 'boolean', default: false },
      'no-cli': { type: 'boolean', default: false },
      screenshots: { type: 'boolean', default: false },
      trace: { type: 'boolean', default: false },
      'plot-timeout': { type: 'string', default: '1800' },
    },
  });
  const cases: Case[] = values.file
    ? [{ label: values.label ?? values.file, file: values.file, majority: values.majority }]
    : values.cases!.split(',').map((k) => {
        if (!CASES[k]) throw new Error(`unknown case ${k}: ${Object.keys(CASES).join(', ')}`);
        return CASES[k];
      });
  // Named bench queries are generated once (build-bench/); a given --file must exist.
  for (const c of cases) {
    if (c.file === 'q20k.h5ad' || c.file === 'q200k.h5ad' || c.file === 'q1m_2pct.h5ad' || c.file === 'q1m.h5ad') c.file = benchQuery(c.file);
    else if (!existsSync(c.file)) throw new Error(`${c.file} is missing`);
  }
  if (!values['no-build']) execFileSync('npx', ['vite', 'build', '--config', 'web/app/vite.config.ts', '--logLevel', 'error'], { cwd: repoPath('.'), stdio: 'inherit' });
  const server = await serveStatic(DIST, true);
  // A marker switch finds our browser process among the other Chromiums on the machine.
  const marker = `--ct-bench-app=${process.pid}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...ARGS, marker] });
  const browserPid = tree(1).find((p) => p.cmd.includes(marker) && !p.cmd.includes('--type='))?.pid;
  if (!browserPid) throw new Error('cannot find the browser process');
  try {
    console.log(`app bench: production build, Chromium (swiftshader), cross-origin isolated; model ${values.model}`);
    for (const c of cases) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(server.url);
      await page.waitForSelector('#engine-status:not(:empty)');
      const load = loadavg()[0].toFixed(1);
      const shot = values.screenshots ? c.screenshot : undefined;
      const r = await runCase(page, c, browserPid, values.model!, Number(values['plot-timeout']), shot);
      const ratio = c.celltypist ? `; CellTypist ${c.celltypist} s whole process → ${(c.celltypist / r.results).toFixed(1)}× faster to results` : '';
      const target = c.target ? `   targets: ${Number.isFinite(c.target.results) ? `results ≤ ${c.target.results} s` : 'results recorded'}${c.target.plot ? `, ${c.request ? 'UMAP after the request' : 'plot'} ≤ ${c.target.plot} s` : ''}, tab ≤ ${c.target.mb} MB` : '';
      console.log(`\n${c.label}  [load ${load}]  ${r.summary}`);
      if (!Number.isNaN(r.umapAfterRequest)) console.log(`  UMAP on request: "Compute UMAP" → plot ${r.umapAfterRequest.toFixed(1)} s${c.target?.plot ? ` (target ≤ ${c.target.plot} s)` : ''}`);
      console.log(`  click → results ${r.results.toFixed(2)} s, → plot ${r.plotState === 'on-demand' ? 'on request (UMAP of over 500,000 cells)' : Number.isNaN(r.plot) ? `not ready after ${values['plot-timeout']} s` : `${r.plot.toFixed(2)} s`}; browser CPU ${r.cpu.toFixed(1)} s${ratio}`);
      console.log(`  tab (its renderer's RSS) peak to the plot ${r.peakToPlot.toFixed(0)} MB (private ${r.peakAnonToPlot.toFixed(0)} MB); with the result panels' work after it ${r.peakTab.toFixed(0)} MB (private ${r.peakAnon.toFixed(0)} MB); before the click ${r.before.toFixed(0)} MB, after the run (workers ended) ${r.idle.toFixed(0)} MB; GPU process peak ${r.peakGpu.toFixed(0)} MB`);
      if (!values['no-cli']) {
        const plain = cliFigure(c.file, values.model!, c.majority ? ['--majority-voting'] : []);
        console.log(`  beside it: ${describeCli(plain)}${typeof plain === 'string' ? '' : ` → the page's results take ${(r.results / plain.wall).toFixed(2)}× the CLI's whole command`}`);
        if (r.plotState === 'ready' && !Number.isNaN(r.plot) && (c.target?.plot || c.request)) {
          const umap = cliFigure(c.file, values.model!, [...(c.majority ? ['--majority-voting'] : []), '--umap']);
          console.log(`  beside the plot: ${describeCli(umap)} with --umap${typeof umap === 'string' ? '' : ` → the page's plot takes ${(r.plot / umap.wall).toFixed(2)}× it`}`);
        }
      }
      if (r.layoutDigest) console.log(`  computed UMAP layout digest ${r.layoutDigest}`);
      if (r.interaction) console.log(`  interaction: wheel zoom → next frame ${r.interaction.zoom.toFixed(0)} ms (median of 5), drag pan ${r.interaction.pan.toFixed(0)} ms, hover pick ${r.interaction.hover.toFixed(0)} ms`);
      if (target) console.log(target);
      if (values.trace) console.log(`  stages: ${r.trace.join(' | ')}`);
      if (shot) console.log(`  screenshot: ${shot}`);
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
