/**
 * Dotplot benchmark (not a test): the whole `celltypist-wasm dotplot` command as a user runs it
 * (process start to exit), on the shared synthetic files, with the 98-type model's top markers
 * (one per type, or --genes A,B,..., grouped by the files' true_type): wall and CPU seconds and peak RSS from
 * /usr/bin/time, with the machine's load (contention inflates wall times). scanpy's dotplot
 * has no recorded timing in ../shared/bench, so no ratio is printed.
 *
 *   NODE_PATH=/usr/share/nodejs node --import tsx scripts/bench-dotplot.ts [--files q20k.h5ad,q200k.h5ad|PATHS] [--top 1]
 *
 * Runs the compiled bin (dist/lib/cli/bin.js, `npm run build`) when it exists, as users run the
 * package; else the source bin (TypeScript compiled at start by tsx: ~0.5 GB more peak RSS).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchQuery } from './bench-data.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const model = path.join(process.env.CT_SHARED ?? path.join(repo, '..', 'shared'), 'bench/bench98.pkl');
const { values } = parseArgs({ options: { files: { type: 'string', default: 'q20k.h5ad,q200k.h5ad' }, top: { type: 'string', default: '1' }, genes: { type: 'string' } } });

const out = mkdtempSync(path.join(tmpdir(), 'ctw-bench-dotplot-'));
const compiled = path.join(repo, 'dist/lib/cli/bin.js');
const bin = existsSync(compiled) ? compiled : path.join(repo, 'web/cli/bin.mjs');
console.log(`bin: ${path.relative(repo, bin)}`);
for (const given of values.files!.split(',')) {
  const file = given === 'q20k.h5ad' || given === 'q200k.h5ad' ? benchQuery(given) : given;
  if (!existsSync(file)) {
    console.log(`${file}: missing (generate it with scripts/make-synthetic-h5ad.ts)`);
    continue;
  }
  const png = path.join(out, `${path.basename(file)}.png`);
  const timeFile = path.join(out, 'time.txt');
  const load = loadavg()[0].toFixed(1);
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, bin, 'dotplot', '-i', file, '--groupby', 'true_type', ...(values.genes ? ['--genes', values.genes] : ['-m', model, '--top', values.top!]), '--table', path.join(out, 't.csv'), '--out', png, '--quiet'], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: '/usr/share/nodejs' },
  });
  if (r.status !== 0) {
    console.log(`${file}: failed: ${r.stderr.trim()}`);
    continue;
  }
  const [wall, user, sys, kb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  const genes = new Set(readFileSync(path.join(out, 't.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[1])).size;
  console.log(`${path.basename(file)}: dotplot of ${genes} genes (table + PNG) in ${wall.toFixed(2)} s wall, ${(user + sys).toFixed(2)} s CPU, peak RSS ${(kb / 1024).toFixed(0)} MB (load average before: ${load})`);
}
