/**
 * Memory benchmark (not a test): peak RSS of one annotation vs number of cells, to show that the
 * engine streams the matrix in bounded chunks and only the outputs grow with the data.
 *
 *   tsx scripts/bench-memory.ts [--cells 100000,300000,1000000] [--genes 30000] [--density 0.02]
 *        [--variant simd|simd-threads]
 *
 * Files are generated once into build-bench/ (1M cells x 30k genes at 2% ≈ 4.8 GB; not committed).
 * Each annotation runs in a fresh process (return_matrices off: the outputs are labels and
 * confidence per cell), and its peak RSS is read from /proc/self/status.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.CT_SHARED ?? path.join(repo, '..', 'shared');
const MODEL = path.join(shared, 'bench/bench98.pkl');

function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

async function child(input: string, variant: 'simd' | 'simd-threads') {
  const { annotate } = await import('../web/engine/node.ts');
  const t0 = performance.now();
  const r = await annotate(input, MODEL, { variant, n_threads: 2, return_matrices: false });
  const seconds = (performance.now() - t0) / 1000;
  // What the result itself holds: labels (shared strings: one pointer each), conf_score, cell ids.
  const outputsMb = (r.cell_ids.reduce((a, s) => a + s.length * 2 + 16, 0) + r.predicted_labels.length * 8 + r.conf_score.byteLength) / 2 ** 20;
  console.log(JSON.stringify({ seconds, rss: peakRssMb(), outputsMb, cells: r.stats.n_cells }));
}

async function main() {
  const { values } = parseArgs({
    options: {
      cells: { type: 'string', default: '100000,300000,1000000' },
      genes: { type: 'string', default: '30000' },
      density: { type: 'string', default: '0.02' },
      variant: { type: 'string', default: 'simd-threads' },
      child: { type: 'string' },
    },
  });
  const variant = values.variant as 'simd' | 'simd-threads';
  if (values.child) return child(values.child, variant);
  console.log(`peak memory of one annotation (wasm ${variant}, 98-type model, ${values.genes} genes, ${Number(values.density) * 100}% nonzero)\n`);
  console.log('cells        file        peak RSS    of which outputs   time');
  for (const n of values.cells!.split(',').map(Number)) {
    const file = path.join(repo, 'build-bench', `mem_${n}_${values.genes}_${values.density}.h5ad`);
    if (!existsSync(file)) {
      execFileSync(process.execPath, ['--import', 'tsx', path.join(repo, 'scripts/make-synthetic-h5ad.ts'), '--out', file, '--cells', String(n), '--genes', values.genes!, '--density', values.density!, '--model', MODEL, '--seed', '3'], {
        stdio: 'inherit',
      });
    }
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', file, '--variant', variant], {
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: '/usr/share/nodejs' },
    });
    if (r.status !== 0) {
      console.log(`${n}: failed\n${r.stderr}`);
      continue;
    }
    const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; rss: number; outputsMb: number };
    console.log(
      `${n.toLocaleString('en-US').padEnd(12)} ${(statSync(file).size / 2 ** 30).toFixed(2).padStart(5)} GB   ${j.rss.toFixed(0).padStart(6)} MB   ${j.outputsMb.toFixed(0).padStart(8)} MB         ${j.seconds.toFixed(1)} s`,
    );
  }
}

await main();
