/**
 * `npm run bench`: prediction speed and peak memory of the native core and both wasm builds on
 * a synthetic query with the 98-type benchmark model, compared with CellTypist's own timings
 * on this machine kind (../shared/bench: 20k cells, predict 4.86 s, total 5.60 s, 2.60 GB).
 *
 *   tsx scripts/bench-engine.ts [--cells 20000] [--keep]
 * Each measurement runs in a fresh process so peak RSS is its own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.CT_SHARED ?? path.join(repo, '..', 'shared');
const MODEL = path.join(shared, 'bench/bench98.pkl');
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

/** Child mode: one annotation, prints JSON. */
async function child(variant: 'simd' | 'simd-threads', input: string) {
  const { annotate } = await import('../web/engine/node.ts');
  const t0 = performance.now();
  const r = await annotate(input, MODEL, { variant, n_threads: 2, return_matrices: false });
  const total = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ total, predict: r.stats.timings.predict, cells: r.stats.n_cells, rss: peakRssMb(), used: r.stats.n_features_used }));
}

async function main() {
  const { values } = parseArgs({ options: { cells: { type: 'string', default: '20000' }, child: { type: 'string' }, input: { type: 'string' } } });
  if (values.child) return child(values.child as 'simd' | 'simd-threads', values.input!);
  const cells = Number(values.cells);
  const input = path.join(repo, 'build-bench', `query_${cells}.h5ad`);
  if (!existsSync(input)) {
    console.log(`generating ${input} (${cells} cells, 19,639 genes, 15% nonzero) ...`);
    execFileSync(process.execPath, ['--import', 'tsx', path.join(repo, 'scripts/make-synthetic-h5ad.ts'), '--out', input, '--cells', String(cells), '--model', MODEL], { stdio: 'inherit' });
  }
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
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', variant, '--input', input], {
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: '/usr/share/nodejs' },
    });
    if (r.status !== 0) {
      console.log(`wasm ${variant}: failed\n${r.stderr}`);
      continue;
    }
    const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { total: number; predict: number; cells: number; rss: number };
    console.log(
      `wasm ${variant.padEnd(13)}     ${j.total.toFixed(2).padStart(8)} s   ${j.predict.toFixed(2).padStart(8)} s   ${(j.cells / j.predict).toFixed(0).padStart(8)}   ${(ctPredict / j.predict).toFixed(1).padStart(8)}x (total ${(ctTotal / j.total).toFixed(1)}x)   ${j.rss.toFixed(0)} MB (${(CT.peak_rss_mb / j.rss).toFixed(1)}x less)`,
    );
  }
}

await main();
