/**
 * Whole-command benchmark (not a test): `celltypist-wasm annotate` as a user runs it, process
 * start to exit, on the 1k fixture, 20k (best match; majority voting), 200k and 1M cells with the
 * 98-type bench model, all tables written. Prints wall and CPU time, peak RSS (GNU time), the
 * machine's load, and ratios to CellTypist's recorded figures (../shared/bench).
 *
 *   tsx scripts/bench-cli.ts [--only 1k,20k,20k-ct,20k-voting,200k,1m] [--bin PATH] [--keep] [--reference] [--repeat N]
 *
 * --reference: right before the 20k best-match command, run CellTypist 1.7.1's load + predict
 * redone with its own libraries (scripts/bench-celltypist-reference.py, Debian's python3) and
 * compare our command with it as measured now, on the same machine, as well as with the recorded
 * figures (these shared VMs vary ~2x in speed from one session to the next).
 * --repeat N: N runs each, all printed, the median one compared (each input is read once before
 * every run, so that all runs find it in the page cache).
 *
 * The command is the compiled CLI (dist/lib/cli/bin.js, `npm run build`) when it exists, else
 * web/cli/bin.mjs through tsx, whose start-up compiles TypeScript and h5wasm's 4 MB loader
 * (~10 s and ~600 MB more: not what users run). The 1M-cell file (2% nonzero, ~3 GB) is generated
 * once into build-bench/ (git-ignored).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchQuery, MODEL98 } from './bench-data.ts';
import { celltypistQuery, compareLabels, OPENBLAS_HINT, runReference, type ReferenceRun } from './bench-reference.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.CT_SHARED ?? path.join(repo, '..', 'shared');


interface Reference {
  label: string;
  seconds: number;
  rssMb?: number;
}

interface Run {
  key: string;
  title: string;
  input: () => string;
  model: string;
  args: string[];
  refs: Reference[];
  /** Runs only when named in --only (needs an input that is not generated here). */
  optIn?: boolean;
  /** Why the run cannot be made (its input is missing), said in one line instead. */
  unavailable?: () => string | undefined;
  /** --reference runs the CellTypist-equivalent reference before this run. */
  reference?: boolean;
  /** CellTypist's recorded labels for exactly this input, to check ours against. */
  celltypistLabels?: string;
}

/** CellTypist 1.7.1's recorded timings (timings.json of a ../shared/bench run). */
function recorded(dir: string): Reference[] {
  const t = JSON.parse(readFileSync(path.join(shared, 'bench', dir, 'timings.json'), 'utf8'));
  return [
    { label: 'CellTypist whole process', seconds: t.process_wall_seconds, rssMb: t.peak_rss_mb },
    { label: 'CellTypist load + predict' + (t.over_clustering ? ' + over-clustering + voting' : ''), seconds: t.total_pipeline },
  ];
}

const RUNS: Run[] = [
  {
    key: '1k',
    title: '1k fixture (query_1k, toy_lr), 3 tables',
    input: () => path.join(shared, 'fixtures/synthetic/query_1k.h5ad'),
    model: path.join(shared, 'fixtures/models/toy_lr.pkl'),
    args: [],
    // Measured side by side on this machine kind (issue 12): its `celltypist` command.
    refs: [{ label: "CellTypist's celltypist command (issue 12)", seconds: 1.82, rssMb: 289 }],
  },
  { key: '20k', title: '20k x 19.6k genes, 98 types, best match, 3 tables', input: () => benchQuery('q20k.h5ad'), model: MODEL98, args: [], refs: recorded('celltypist_20k_best'), reference: true },
  {
    // The very query of CellTypist's recorded 20k run (6.8% nonzero, 26M values; our q20k has 61M).
    key: '20k-ct',
    title: "CellTypist's own 20k query (make_synthetic.py), 98 types, best match, 3 tables",
    input: () => (celltypistQuery() as { file: string }).file,
    unavailable: () => {
      const q = celltypistQuery();
      return 'missing' in q ? q.missing : undefined;
    },
    model: MODEL98,
    args: [],
    refs: recorded('celltypist_20k_best'),
    optIn: true,
    reference: true,
    celltypistLabels: path.join(shared, 'bench/celltypist_20k_best/predicted_labels.csv.gz'),
  },
  {
    key: '20k-voting',
    title: '20k, automatic majority voting, 3 tables',
    input: () => benchQuery('q20k.h5ad'),
    model: MODEL98,
    args: ['--majority-voting'],
    refs: recorded('celltypist_20k_voting'),
  },
  { key: '200k', title: '200k x 19.6k genes (4% nonzero), 98 types, 3 tables', input: () => benchQuery('q200k.h5ad'), model: MODEL98, args: [], refs: [] },
  { key: '1m', title: '1M x 19.6k genes (2% nonzero), 98 types, 3 tables', input: () => benchQuery('q1m_2pct.h5ad'), model: MODEL98, args: [], refs: [] },
];

function command(given?: string): { argv: string[]; compiled: boolean } {
  const compiled = given ?? path.join(repo, 'dist/lib/cli/bin.js');
  if (existsSync(compiled)) return { argv: [compiled], compiled: true };
  return { argv: [path.join(repo, 'web/cli/bin.mjs')], compiled: false };
}

/**
 * Reads a file once so that the timed run finds it in the page cache, as a second run would (this
 * VM's memory reclaim can evict a 0.5 GB input between runs, which then costs a disk read).
 */
function warmCache(file: string) {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(8 << 20);
    while (readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

/** `inspect` sees the output folder before it is removed. */
function measure(argv: string[], run: Run, keep: boolean, inspect?: (out: string) => void) {
  mkdirSync(path.join(repo, 'build-bench'), { recursive: true });
  const out = mkdtempSync(path.join(repo, 'build-bench', `cli-${run.key}-`));
  const stats = path.join(out, '.time');
  warmCache(run.input());
  const load = loadavg()[0];
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', stats, process.execPath, ...argv, 'annotate', '-i', run.input(), '-m', run.model, '-o', out, '--quiet', ...run.args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: '/usr/share/nodejs' },
  });
  const [wall, user, sys, kb] = readFileSync(stats, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  const bytes = ['predicted_labels.csv', 'decision_matrix.csv', 'probability_matrix.csv'].reduce((s, f) => s + (existsSync(path.join(out, f)) ? statSync(path.join(out, f)).size : 0), 0);
  inspect?.(out);
  if (!keep) rmSync(out, { recursive: true, force: true });
  return { status: r.status, stderr: r.stderr.trim(), wall, cpu: user + sys, rssMb: kb / 1024, bytes, load };
}

/** The reference run, its labels saved to a temporary folder for the comparison with ours. */
function reference(run: Run): { run: ReferenceRun | string; labels: string } {
  mkdirSync(path.join(repo, 'build-bench'), { recursive: true });
  const labels = path.join(mkdtempSync(path.join(repo, 'build-bench', 'reference-')), 'predicted_labels.csv');
  return { run: runReference(run.input(), run.model, labels), labels };
}

function printReference(r: ReferenceRun | string, agreement: string) {
  if (typeof r === 'string') {
    console.log(`  CellTypist-equivalent reference skipped: ${r}`);
    return;
  }
  console.log(`  CellTypist-equivalent reference, run just before ours (scripts/bench-celltypist-reference.py, BLAS ${r.blas}, load average ${r.load1.toFixed(1)}):`);
  console.log(`    load ${r.load.toFixed(2)} s + predict ${r.predict.toFixed(2)} s (decision_function ${r.decision.toFixed(2)} s) = ${r.pipeline.toFixed(2)} s (imports ${r.importSeconds.toFixed(2)} s); whole process ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU, peak RSS ${r.rssMb.toFixed(0)} MB`);
  if (!r.openblas) console.log(`    (netlib BLAS, slower than the OpenBLAS of pip's numpy that CellTypist users get; unpack OpenBLAS for the reference only: ${OPENBLAS_HINT})`);
  console.log(`    its labels vs ours: ${agreement}; vs CellTypist's recorded output: ${r.vsCellTypist}`);
}

function measuredNow(r: ReferenceRun): Reference[] {
  return [
    { label: 'reference load + predict (measured now)', seconds: r.pipeline },
    { label: 'reference whole process (measured now)', seconds: r.wall, rssMb: r.rssMb },
  ];
}

function main() {
  const { values } = parseArgs({ options: { only: { type: 'string' }, bin: { type: 'string' }, keep: { type: 'boolean' }, reference: { type: 'boolean' }, repeat: { type: 'string' } } });
  const repeat = Math.max(1, Number(values.repeat ?? 1));
  const only = values.only?.split(',');
  const { argv, compiled } = command(values.bin);
  console.log(`whole 'annotate' command: node ${path.relative(repo, argv[0])}${compiled ? '' : '  (NOT compiled: tsx compiles TypeScript and h5wasm at start-up; run `npm run build` first)'}`);
  console.log('(wall time is inflated by other processes on a shared machine: see load and CPU time)\n');
  for (const run of RUNS.filter((r) => (only ? only.includes(r.key) : !r.optIn))) {
    const missing = run.unavailable?.();
    if (missing) {
      console.log(`${run.title}\n  skipped: ${missing}\n`);
      continue;
    }
    const ref = values.reference && run.reference ? reference(run) : undefined;
    let agreement = '';
    let vsCellTypist = '';
    const runs = Array.from({ length: repeat }, (_, i) =>
      measure(argv, run, values.keep ?? false, (out) => {
        if (i > 0) return;
        const ours = path.join(out, 'predicted_labels.csv');
        if (ref && typeof ref.run !== 'string') agreement = compareLabels(ours, ref.labels);
        if (run.celltypistLabels) vsCellTypist = compareLabels(ours, run.celltypistLabels);
      }),
    );
    // The median run (by wall time) stands for the run: one noisy neighbour does not decide it.
    const m = [...runs].sort((a, b) => a.wall - b.wall)[Math.floor((runs.length - 1) / 2)];
    if (ref) rmSync(path.dirname(ref.labels), { recursive: true, force: true });
    console.log(`${run.title}`);
    if (ref) printReference(ref.run, agreement);
    if (vsCellTypist) console.log(`  our labels vs CellTypist's recorded output: ${vsCellTypist}`);
    if (m.status !== 0) {
      console.log(`  FAILED (exit ${m.status}): ${m.stderr.split('\n').pop()}\n`);
      continue;
    }
    if (runs.length > 1) console.log(`  ${runs.length} runs: ${runs.map((r) => `${r.wall.toFixed(2)} s / ${r.cpu.toFixed(2)} s CPU / ${r.rssMb.toFixed(0)} MB`).join(', ')}`);
    console.log(`  ours${runs.length > 1 ? ' (median)' : ''}: ${m.wall.toFixed(2)} s wall, ${m.cpu.toFixed(2)} s CPU, peak RSS ${m.rssMb.toFixed(0)} MB, ${(m.bytes / 1e6).toFixed(0)} MB of CSV (load average ${m.load.toFixed(1)})`);
    const refs = ref && typeof ref.run !== 'string' ? [...measuredNow(ref.run), ...run.refs] : run.refs;
    for (const ref of refs) {
      const mem = ref.rssMb ? `; peak ${ref.rssMb.toFixed(0)} MB = ${(ref.rssMb / m.rssMb).toFixed(1)}x ours` : '';
      console.log(`  ${ref.label}: ${ref.seconds.toFixed(2)} s = ${(ref.seconds / m.wall).toFixed(1)}x our wall, ${(ref.seconds / m.cpu).toFixed(1)}x our CPU${mem}`);
    }
    console.log('');
  }
}

main();
