/**
 * `npm run bench`: speed and peak memory of the native core and both wasm builds on a synthetic
 * query (30 cell-type groups) with the 98-type benchmark model, compared with CellTypist's own
 * timings on this machine kind (../shared/bench, 20k cells: predict 4.86 s, total 5.60 s,
 * 2.60 GB; majority voting with automatic over-clustering 43.9 s of which over-clustering
 * 38.1 s, 2.72 GB) and with kana's scran.js (20k, 2 threads: 19.3 s to clusters, 31.2 s with
 * UMAP, 425 MB).
 *
 *   tsx scripts/bench-engine.ts [--cells 20000] [--what all|predict|voting] [--input FILE]
 *                               [--only simd|simd+umap|simd-threads|simd-threads+umap]
 * Each measurement runs in a fresh process so peak RSS is its own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Progress } from '../web/engine/types.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.CT_SHARED ?? path.join(repo, '..', 'shared');
const MODEL = path.join(shared, 'bench/bench98.pkl');
const CT_VOTING = JSON.parse(readFileSync(path.join(shared, 'bench/celltypist_20k_voting/timings.json'), 'utf8')) as {
  over_clustering: number;
  total_pipeline: number;
  peak_rss_mb: number;
};
/** kana's scran.js 4.0.9 on the same 20k file, 2 threads (../shared/bench/README.md). */
const SCRANJS = { to_clusters: 19.3, with_umap: 31.2, peak_rss_mb: 425 };
const CT = JSON.parse(readFileSync(path.join(shared, 'bench/celltypist_20k_best/timings.json'), 'utf8')) as {
  predict: number;
  total_pipeline: number;
  load: number;
  peak_rss_mb: number;
  n_cells: number;
};

function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** The over-clustering step a progress event belongs to (names as the native bench prints them). */
function stepOf(p: Progress): string {
  if (p.stage === 'over_clustering' && p.message?.startsWith('collecting')) return 'genes (2nd pass)';
  if (p.stage === 'over_clustering' || p.stage === 'umap') {
    const m = p.message ?? '';
    for (const [key, step] of [['scaling', 'scale'], ['PCA', 'pca'], ['nearest', 'neighbors'], ['Leiden', 'leiden'], ['UMAP', 'layout'], ['done', 'end']] as const) {
      if (m.startsWith(key) || m.includes(key)) return step;
    }
  }
  return p.stage === 'predict' || p.stage === 'load_model' ? 'read+predict (+ gene stats)' : p.stage;
}

/** Wall and CPU time (all threads of the process) between step changes, summed per step. */
class StepTimer {
  seconds: Record<string, number> = {};
  cpu: Record<string, number> = {};
  private current = '';
  private since = performance.now();
  private sinceCpu = process.cpuUsage();
  mark(step: string) {
    if (step === this.current) return;
    const now = performance.now();
    const cpu = process.cpuUsage(this.sinceCpu);
    if (this.current && this.current !== 'end') {
      this.seconds[this.current] = (this.seconds[this.current] ?? 0) + (now - this.since) / 1000;
      this.cpu[this.current] = (this.cpu[this.current] ?? 0) + (cpu.user + cpu.system) / 1e6;
    }
    this.current = step;
    this.since = now;
    this.sinceCpu = process.cpuUsage();
  }
}

/** Child mode: one annotation (optionally with automatic majority voting and UMAP), prints JSON. */
async function child(variant: 'simd' | 'simd-threads', input: string, voting: boolean, umap: boolean) {
  const { annotate } = await import('../web/engine/node.ts');
  const { loadCore } = await import('../web/engine/wasm/load.ts');
  // Module start-up (compiling the core and h5wasm, ~1.5 s) is excluded like CellTypist's
  // Python imports are: a page or a script pays it once, not per file.
  await loadCore({ variant });
  await (await import('h5wasm/node')).default.ready;
  const steps = new StepTimer();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await annotate(input, MODEL, { variant, n_threads: 2, return_matrices: false, majority_voting: voting, compute_umap: umap }, (p) => steps.mark(stepOf(p)));
  const total = (performance.now() - t0) / 1000;
  steps.mark('end');
  const cpu = process.cpuUsage(cpu0);
  console.log(
    JSON.stringify({
      total,
      cpu: (cpu.user + cpu.system) / 1e6,
      steps: steps.seconds,
      step_cpu: steps.cpu,
      predict: r.stats.timings.predict,
      over_clustering: r.stats.timings.over_clustering ?? 0,
      clusters: r.stats.over_clustering?.n_clusters ?? 0,
      cells: r.stats.n_cells,
      rss: peakRssMb(),
      used: r.stats.n_features_used,
    }),
  );
}

function runChild(variant: string, input: string, extra: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', variant, '--input', input, ...extra], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: '/usr/share/nodejs' },
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) {
    console.log(`wasm ${variant}: failed\n${r.stderr}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { total: number; cpu: number; steps: Record<string, number>; step_cpu: Record<string, number>; predict: number; over_clustering: number; clusters: number; cells: number; rss: number };
}

const STEPS = ['genes (2nd pass)', 'scale', 'pca', 'neighbors', 'leiden', 'layout'];

function load(): string {
  return `load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`;
}

/** Majority voting with automatic over-clustering (and UMAP) vs CellTypist and scran.js. */
function votingBench(input: string, cells: number, only?: string) {
  const scale = cells / 20000;
  console.log(
    `\nMajority voting with automatic over-clustering. CellTypist 1.7.1 (recorded, 20k cells${scale !== 1 ? ', scaled linearly' : ''}): ` +
      `over-clustering ${(CT_VOTING.over_clustering * scale).toFixed(1)} s, whole run ${(CT_VOTING.total_pipeline * scale).toFixed(1)} s, ${CT_VOTING.peak_rss_mb.toFixed(0)} MB; ` +
      `scran.js (20k${scale !== 1 ? ', scaled' : ''}): ${(SCRANJS.to_clusters * scale).toFixed(1)} s to clusters, ${(SCRANJS.with_umap * scale).toFixed(1)} s with UMAP, ${SCRANJS.peak_rss_mb} MB\n`,
  );
  const nativeBin = path.join(repo, 'build-native', 'over_cluster_bench');
  if (existsSync(nativeBin) && !only) {
    // Same size and sparsity as the file (the native bench generates its data in memory).
    const nnz = Math.round(19639 * nativeDensity(input));
    for (const layout of ['0', '1']) {
      const before = load();
      const out = execFileSync(nativeBin, ['--cells', String(cells), '--threads', '2', '--layout', layout, '--nnz', String(nnz)], { encoding: 'utf8' });
      const m = /total: ([\d.]+) s.*?(\d+) clusters.*peak RSS (\d+) MB/.exec(out);
      const cpu = /MB, cpu ([\d.]+) s/.exec(out);
      const steps = [...out.matchAll(/^ {2}(\S.*?)\s+([\d.]+) s \(cpu ([\d.]+) s\)$/gm)].map((x) => `${x[1]} ${Number(x[2]).toFixed(2)} (cpu ${Number(x[3]).toFixed(2)})`).join(', ');
      if (m) {
        const ref = layout === '1' ? SCRANJS.with_umap : SCRANJS.to_clusters;
        console.log(
          `native 2 threads${layout === '1' ? ' +umap' : '      '} over-clustering ${Number(m[1]).toFixed(2).padStart(6)} s (${((CT_VOTING.over_clustering * scale) / Number(m[1])).toFixed(1)}x CellTypist, ${((ref * scale) / Number(m[1])).toFixed(1)}x scran.js)` +
            `${cpu ? `, CPU ${Number(cpu[1]).toFixed(1)} s` : ''}, ${m[2]} clusters, peak RSS ${m[3]} MB (in-memory synthetic data, ${nnz} nonzeros/cell; ${before})\n    steps: ${steps}`,
        );
      }
    }
  }
  console.log('engine               whole run   over-clustering   vs CellTypist (run / over-clustering)   vs scran.js   peak RSS');
  for (const variant of ['simd', 'simd-threads'] as const) {
    for (const umap of [false, true]) {
      // --only simd-threads+umap (etc.) runs one configuration (200k runs are long).
      if (only && only !== `${variant}${umap ? '+umap' : ''}`) continue;
      const before = load();
      const j = runChild(variant, input, ['--voting', ...(umap ? ['--umap'] : [])]);
      if (!j) continue;
      const ref = umap ? SCRANJS.with_umap : SCRANJS.to_clusters;
      console.log(
        `wasm ${variant.padEnd(13)}${umap ? '+umap' : '     '} ${j.total.toFixed(2).padStart(7)} s   ${j.over_clustering.toFixed(2).padStart(9)} s       ` +
          `${((CT_VOTING.total_pipeline * scale) / j.total).toFixed(1).padStart(5)}x / ${((CT_VOTING.over_clustering * scale) / j.over_clustering).toFixed(1).padStart(5)}x` +
          `                  ${((ref * scale) / j.total).toFixed(1).padStart(5)}x     ${j.rss.toFixed(0)} MB (${(CT_VOTING.peak_rss_mb / j.rss).toFixed(1)}x less), ${j.clusters} clusters`,
      );
      const steps = STEPS.filter((s) => j.steps[s] !== undefined).map((s) => `${s} ${j.steps[s].toFixed(2)} (cpu ${j.step_cpu[s].toFixed(2)})`);
      const clusterSteps = STEPS.reduce((t, s) => t + (j.steps[s] ?? 0), 0);
      const clusterCpu = STEPS.reduce((t, s) => t + (j.step_cpu[s] ?? 0), 0);
      console.log(`    steps: read+predict ${(j.steps['read+predict (+ gene stats)'] ?? j.predict).toFixed(2)}, ${steps.join(', ')}`);
      console.log(`    over-clustering${umap ? ' + UMAP' : ''}: ${clusterSteps.toFixed(2)} s wall, ${clusterCpu.toFixed(2)} s CPU; whole run CPU ${j.cpu.toFixed(1)} s; ${before}`);
    }
  }
}

/** Nonzeros per cell of the file, as a fraction of its genes (for the native bench's data). */
function nativeDensity(input: string): number {
  const m = /_d(0\.\d+)/.exec(path.basename(input));
  return m ? Number(m[1]) : input.includes('q200k') ? 0.04 : 0.15;
}

async function main() {
  const { values } = parseArgs({
    options: {
      cells: { type: 'string', default: '20000' },
      what: { type: 'string', default: 'all' },
      child: { type: 'string' },
      input: { type: 'string' },
      voting: { type: 'boolean' },
      umap: { type: 'boolean' },
      only: { type: 'string' },
    },
  });
  if (values.child) return child(values.child as 'simd' | 'simd-threads', values.input!, values.voting ?? false, values.umap ?? false);
  const cells = Number(values.cells);
  // --input FILE reuses an existing query (e.g. build-bench/q200k.h5ad, 4% nonzero, made by scripts/bench-data.ts).
  const input = values.input ?? path.join(repo, 'build-bench', `query_${cells}_types30.h5ad`);
  if (!existsSync(input)) {
    console.log(`generating ${input} (${cells} cells, 19,639 genes, 15% nonzero) ...`);
    execFileSync(process.execPath, ['--import', 'tsx', path.join(repo, 'scripts/make-synthetic-h5ad.ts'), '--out', input, '--cells', String(cells), '--model', MODEL], { stdio: 'inherit' });
  }
  if (values.what === 'voting') return votingBench(input, cells, values.only);
  const scale = cells / CT.n_cells;
  const ctPredict = CT.predict * scale;
  const ctTotal = CT.total_pipeline * scale;
  console.log(`\nCellTypist 1.7.1 (recorded, 20k cells, scaled to ${cells.toLocaleString('en-US')}): predict ${ctPredict.toFixed(2)} s, load+predict ${ctTotal.toFixed(2)} s, peak RSS ${CT.peak_rss_mb.toFixed(0)} MB\n`);
  console.log('engine                 read+predict   predict only   cells/s     vs CellTypist predict   peak RSS');

  const nativeBin = path.join(repo, 'build-native', 'predict_bench');
  if (existsSync(nativeBin)) {
    const out = execFileSync(nativeBin, ['--cells', String(cells), '--model', MODEL, '--genes', '19639', '--nnz', '2950'], { encoding: 'utf8' });
    for (const line of out.split('\n')) {
      const m = /native (\d+) threads?\s*: ([\d.]+) s, (\d+) cells\/s/.exec(line);
      if (m) {
        const s = Number(m[2]);
        console.log(`native ${m[1]} thread${m[1] === '1' ? ' ' : 's'}        (in-memory)    ${s.toFixed(2).padStart(8)} s   ${Number(m[3]).toFixed(0).padStart(8)}   ${(ctPredict / s).toFixed(1).padStart(8)}x`);
      }
      const rss = /peak RSS (\d+) MB/.exec(line);
      if (rss) console.log(`  (native peak RSS ${rss[1]} MB)`);
    }
  } else {
    console.log('native: build-native/predict_bench not built (run bash scripts/build-native.sh)');
  }
  for (const variant of ['simd', 'simd-threads'] as const) {
    const j = runChild(variant, input, []);
    if (!j) continue;
    console.log(
      `wasm ${variant.padEnd(13)}     ${j.total.toFixed(2).padStart(8)} s   ${j.predict.toFixed(2).padStart(8)} s   ${(j.cells / j.predict).toFixed(0).padStart(8)}   ${(ctPredict / j.predict).toFixed(1).padStart(8)}x (total ${(ctTotal / j.total).toFixed(1)}x)   ${j.rss.toFixed(0)} MB (${(CT.peak_rss_mb / j.rss).toFixed(1)}x less)`,
    );
  }
  if (values.what === 'all') votingBench(input, cells);
}

await main();
