/**
 * Training benchmark (not a test): celltypist-wasm's `train` vs CellTypist 1.7.1's recorded
 * training times on the fixtures' training set (../shared/fixtures/models/*.train.json, same
 * machine kind), both wasm builds, plus a larger synthetic reference for scale.
 *
 *   tsx scripts/bench-train.ts [--cells 20000]
 * Each run is a fresh process (module start-up excluded, like CellTypist's imports).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.CT_SHARED ?? path.join(repo, '..', 'shared');
const TRAIN = path.join(shared, 'fixtures/synthetic/train_2k.h5ad');

const CONFIGS: { name: string; options: Record<string, unknown> }[] = [
  { name: 'toy_lr', options: {} },
  { name: 'toy_lr_fs', options: { feature_selection: true, top_genes: 100 } },
  { name: 'toy_sgd', options: { use_sgd: true } },
];

function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

async function child(input: string, labels: string, variant: 'simd' | 'simd-threads', options: Record<string, unknown>) {
  const { train } = await import('../web/engine/node.ts');
  const { loadCore } = await import('../web/engine/wasm/load.ts');
  await loadCore({ variant });
  await (await import('h5wasm/node')).default.ready;
  const t0 = performance.now();
  const r = await train(input, { labels, variant, n_threads: 2, ...options });
  console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, features: r.info.n_features, rss: peakRssMb(), converged: r.converged }));
}

function run(variant: string, input: string, labels: string, options: Record<string, unknown>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', variant, '--input', input, '--labels', labels, '--options', JSON.stringify(options)], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: '/usr/share/nodejs' },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; features: number; rss: number; converged: boolean };
}

async function main() {
  const { values } = parseArgs({
    options: { cells: { type: 'string', default: '20000' }, child: { type: 'string' }, input: { type: 'string' }, labels: { type: 'string' }, options: { type: 'string' } },
  });
  if (values.child) return child(values.input!, values.labels!, values.child as 'simd' | 'simd-threads', JSON.parse(values.options ?? '{}'));
  console.log('training on train_2k (2,000 cells x 1,500 genes, 6 types) vs CellTypist 1.7.1 (recorded on this machine kind)\n');
  console.log('model        CellTypist   wasm simd         wasm simd-threads   features');
  for (const c of CONFIGS) {
    const ct = JSON.parse(readFileSync(path.join(shared, `fixtures/models/${c.name}.train.json`), 'utf8')).train_seconds as number;
    const a = run('simd', TRAIN, 'cell_type', c.options);
    const b = run('simd-threads', TRAIN, 'cell_type', c.options);
    console.log(
      `${c.name.padEnd(12)} ${ct.toFixed(2).padStart(7)} s   ${a.seconds.toFixed(2).padStart(6)} s (${(ct / a.seconds).toFixed(1)}x)   ${b.seconds.toFixed(2).padStart(6)} s (${(ct / b.seconds).toFixed(1)}x)     ${b.features}`,
    );
  }
  const cells = Number(values.cells);
  const big = path.join(repo, 'build-bench', `train_${cells}_types30.h5ad`);
  if (!existsSync(big)) {
    execFileSync(process.execPath, ['--import', 'tsx', path.join(repo, 'scripts/make-synthetic-h5ad.ts'), '--out', big, '--cells', String(cells), '--genes', '5000', '--density', '0.15', '--types', '30', '--seed', '7'], { stdio: 'inherit' });
  }
  console.log(`\nlarger reference: ${cells.toLocaleString('en-US')} cells x 5,000 genes, 30 types (no CellTypist timing recorded)`);
  for (const variant of ['simd', 'simd-threads']) {
    const r = run(variant, big, 'true_type', {});
    console.log(`wasm ${variant.padEnd(13)} logistic regression ${r.seconds.toFixed(1)} s, ${r.features} genes, converged ${r.converged}, peak RSS ${r.rss.toFixed(0)} MB`);
  }
}

await main();
