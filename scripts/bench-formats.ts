/**
 * Input-format benchmark (not a test): whole CLI commands (process start to exit) annotating
 * Cell Ranger outputs with the 98-type bench model: a generated 1M-cell filtered_feature_bc_matrix.h5
 * (bounded memory: peak RSS must not grow with the file), and 20k cells as .h5 and as a Cell
 * Ranger folder (matrix.mtx.gz, parsed as text). Wall time, CPU time and peak RSS come from
 * /usr/bin/time; the load average is printed beside them (the machine is shared).
 *
 *   tsx scripts/bench-formats.ts [--cells 1000000] [--small 20000] [--density 0.02] [--no-big]
 *
 * Files are generated once into build-bench/formats/ (git-ignored; 1M cells ≈ 2 GB).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.CT_SHARED ?? path.join(repo, '..', 'shared');
const MODEL = path.join(shared, 'bench/bench98.pkl');
const DIR = path.join(repo, 'build-bench/formats');
const env = { ...process.env, NODE_PATH: '/usr/share/nodejs' };

function generate(cells: number, density: string, folder: boolean): { h5: string; folder?: string } {
  const h5 = path.join(DIR, `cr_${cells}.h5`);
  const dir = path.join(DIR, `cr_${cells}_folder`);
  if (!existsSync(h5) || (folder && !existsSync(path.join(dir, 'matrix.mtx.gz')))) {
    const args = ['--import', 'tsx', path.join(repo, 'scripts/make-synthetic-10x.ts'), '--out', h5, '--cells', String(cells), '--density', density, '--model', MODEL];
    if (folder) args.push('--folder', dir);
    execFileSync(process.execPath, args, { stdio: 'inherit', env });
  }
  return { h5, folder: folder ? dir : undefined };
}

interface Run {
  wall: number;
  cpu: number;
  rssMb: number;
  status: number;
  stderr: string;
}

/** One whole CLI command under /usr/bin/time. */
function runCli(input: string): Run {
  const out = mkdtempSync(path.join(os.tmpdir(), 'ctw-bench-formats-'));
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, path.join(repo, 'web/cli/bin.mjs'), 'annotate', '-i', input, '-m', MODEL, '-o', out, '--no-matrices', '--quiet'], { encoding: 'utf8', env });
  rmSync(out, { recursive: true, force: true });
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (!m) return { wall: NaN, cpu: NaN, rssMb: NaN, status: r.status ?? -1, stderr: r.stderr };
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rssMb: Number(m[4]) / 1024, status: r.status ?? -1, stderr: r.stderr };
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const size = (p: string) => {
  const st = statSync(p);
  const bytes = st.isDirectory() ? ['matrix.mtx.gz', 'features.tsv.gz', 'barcodes.tsv.gz'].reduce((a, f) => a + statSync(path.join(p, f)).size, 0) : st.size;
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
};

async function main() {
  const { values } = parseArgs({
    options: { cells: { type: 'string', default: '1000000' }, small: { type: 'string', default: '20000' }, density: { type: 'string', default: '0.02' }, 'no-big': { type: 'boolean' } },
  });
  const big = Number(values.cells);
  const small = Number(values.small);
  const s = generate(small, values.density!, true);
  const cases: [string, string, number][] = [
    [`Cell Ranger .h5, ${small.toLocaleString('en-US')} cells`, s.h5, small],
    [`Cell Ranger folder (matrix.mtx.gz), ${small.toLocaleString('en-US')} cells`, s.folder!, small],
  ];
  if (!values['no-big']) cases.push([`Cell Ranger .h5, ${big.toLocaleString('en-US')} cells`, generate(big, values.density!, false).h5, big]);
  console.log(`whole command: celltypist-wasm annotate -i INPUT -m bench98.pkl (98 types x 6,634 genes) --no-matrices; ${values.density} of 19,639 genes nonzero per cell, raw counts\n`);
  console.log('input                                              size      wall      CPU     peak RSS   cells/s    load (1/5/15 min)');
  const results: Record<string, Run> = {};
  for (const [name, input, n] of cases) {
    const r = runCli(input);
    results[name] = r;
    if (r.status !== 0) {
      console.log(`${name}: failed (exit ${r.status})\n${r.stderr}`);
      continue;
    }
    console.log(
      `${name.padEnd(50)} ${size(input).padStart(8)} ${`${r.wall.toFixed(1)} s`.padStart(9)} ${`${r.cpu.toFixed(1)} s`.padStart(8)} ${`${r.rssMb.toFixed(0)} MB`.padStart(10)} ${Math.round(n / r.wall).toLocaleString('en-US').padStart(9)}    ${load()}`,
    );
  }
  // CellTypist 1.7.1 on its 20k bench query (../shared/bench/README.md): 10.4 s whole process, 2.60 GB.
  const ct = { wall: 10.4, rssMb: 2.6 * 1024, cells: 20000 };
  const hs = results[cases[0][0]];
  const hb = cases[2] ? results[cases[2][0]] : undefined;
  console.log(`\nCellTypist 1.7.1 (recorded, 20k-cell h5ad, whole process): ${ct.wall} s, ${(ct.rssMb / 1024).toFixed(2)} GB peak, ${Math.round(ct.cells / ct.wall).toLocaleString('en-US')} cells/s (it reads no .h5; scanpy's read_10x_h5 loads the whole matrix)`);
  if (hs?.status === 0) console.log(`ratio, 20k .h5: ${(ct.wall / hs.wall).toFixed(2)}x CellTypist's speed, ${(ct.rssMb / hs.rssMb).toFixed(1)}x less memory`);
  // Wall times on a shared, overloaded machine say little: CPU time per cell is the steadier figure.
  if (hs?.status === 0) console.log(`CPU per cell, 20k .h5: ${((hs.cpu / small) * 1e6).toFixed(0)} µs (all threads) vs CellTypist's ${((ct.wall / ct.cells) * 1e6).toFixed(0)} µs whole-process wall per cell (idle machine) = ${(ct.wall / ct.cells / (hs.cpu / small)).toFixed(1)}x`);
  if (hb?.status === 0) console.log(`CPU per cell, 1M .h5: ${((hb.cpu / big) * 1e6).toFixed(0)} µs = ${(ct.wall / ct.cells / (hb.cpu / big)).toFixed(1)}x CellTypist's per-cell cost`);
  const code = "const h=(await import('h5wasm/node')).default; await h.ready; console.log(process.memoryUsage().rss/2**20)";
  const plain = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env, cwd: repo });
  const viaTsx = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', env, cwd: repo });
  if (plain.status === 0 && viaTsx.status === 0) {
    console.log(`of the .h5 runs' peak RSS, importing h5wasm costs ${Number(viaTsx.stdout).toFixed(0)} MB under tsx (as bin.mjs runs today) vs ${Number(plain.stdout).toFixed(0)} MB in plain Node; the text formats never load it`);
  }
  if (hb?.status === 0 && hs?.status === 0) {
    console.log(`1M vs 20k cells: ${(big / small).toFixed(0)}x the cells, ${(hb.wall / hs.wall).toFixed(1)}x the time, ${(hb.rssMb / hs.rssMb).toFixed(2)}x the peak memory (bounded: chunks of cells; what grows is the per-cell output: ids, labels, confidence)`);
    console.log(`throughput at 1M: ${Math.round(big / hb.wall).toLocaleString('en-US')} cells/s vs CellTypist's ${Math.round(ct.cells / ct.wall).toLocaleString('en-US')} cells/s on 20k = ${((big / hb.wall) / (ct.cells / ct.wall)).toFixed(2)}x`);
  }
}

await main();
