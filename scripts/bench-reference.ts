/**
 * The CellTypist-equivalent reference (scripts/bench-celltypist-reference.py) run from the
 * benchmarks: CellTypist 1.7.1's load + predict redone with its own libraries by Debian's
 * python3, timed on the same machine in the same minute as our command, since these shared VMs
 * vary ~2x in speed between sessions and CellTypist's recorded timings come from another day.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitLine } from '../web/engine/testing/fixtures.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = path.join(repo, 'scripts/bench-celltypist-reference.py');
/** Debian's interpreter (a pyenv `python3` earlier on PATH lacks numpy/sklearn/anndata); CT_PYTHON overrides. */
const python = () => process.env.CT_PYTHON ?? '/usr/bin/python3';

/**
 * OpenBLAS unpacked (not installed) into build-bench/: pip's numpy 1.24 wheels, which a
 * CellTypist user gets, bundle OpenBLAS 0.3.21, while Debian's numpy here goes through netlib's
 * single-threaded reference BLAS (decision_function ~4 s instead of ~0.9 s at 20k x 98). Put on
 * LD_LIBRARY_PATH it replaces libblas.so.3 for the reference process only.
 */
const OPENBLAS = path.join(repo, 'build-bench/openblas/usr/lib/x86_64-linux-gnu/openblas-pthread');
export const OPENBLAS_HINT = 'cd build-bench && apt-get download libopenblas0-pthread && dpkg -x libopenblas0-pthread_*.deb openblas';

/**
 * The 20k query CellTypist itself annotated (../shared/bench/README.md), remade by its Python
 * generator: the only input on which our labels can be checked against CellTypist's recorded
 * output and our time against its recorded timings. Not generated here (~75 s and ~15 GB of RAM).
 */
export function celltypistQuery(): { file: string } | { missing: string } {
  const name = 'bench_query_20k.h5ad';
  const dirs = [process.env.CT_DATA, path.join(repo, 'build-bench')].filter((d): d is string => !!d);
  const file = dirs.map((d) => path.join(d, name)).find((f) => existsSync(f));
  if (file) return { file };
  const flags = '--cells 20000 --genes 6639 --types 98 --seed 22 --world-seed 4242 --extra-pool 13000 --extra-genes 13000 --shuffle-genes --drop-genes-frac 0.05';
  return { missing: `no ${name} in ${dirs.join(' or ')}; make it (~75 s, ~15 GB of RAM) with: /usr/bin/python3 ../shared/bench/make_synthetic.py ${flags} --out build-bench/${name}` };
}

export interface ReferenceRun {
  /** load + predict as CellTypist's timings.json counts it (imports and CSV writing excluded). */
  load: number;
  predict: number;
  /** decision_function's part of predict (a dense product: the BLAS numpy loaded matters). */
  decision: number;
  pipeline: number;
  importSeconds: number;
  /** The whole python process (GNU time): wall, user + sys, peak RSS. */
  wall: number;
  cpu: number;
  rssMb: number;
  blas: string;
  /** Whether the unpacked OpenBLAS (pip numpy's kind) was used instead of the system BLAS. */
  openblas: boolean;
  /** Load average when it started. */
  load1: number;
  /** Its agreement with CellTypist's recorded labels, or why there is none (different query). */
  vsCellTypist: string;
}

/** Runs the reference on `input` and saves its labels to `labelsOut`; a string says why not. */
export function runReference(input: string, model: string, labelsOut: string): ReferenceRun | string {
  const PYTHON = python();
  if (!existsSync(PYTHON)) return `no ${PYTHON} (set CT_PYTHON to a python3 with numpy, pandas, scipy, scikit-learn, anndata)`;
  const stats = `${labelsOut}.time`;
  const load1 = loadavg()[0];
  const openblas = existsSync(path.join(OPENBLAS, 'libblas.so.3'));
  const env = openblas ? { ...process.env, LD_LIBRARY_PATH: [OPENBLAS, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') } : process.env;
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', stats, PYTHON, SCRIPT, '--input', input, '--model', model, '--save-labels', labelsOut, '--json'], { encoding: 'utf8', env });
  if (r.status !== 0) return r.stderr.trim().split('\n').pop() || `exit ${r.status}`;
  const [wall, user, sys, kb] = readFileSync(stats, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
  const a = j.agreement;
  const vsCellTypist = !a ? 'no CellTypist output to compare with' : a.error ? `not comparable: ${a.error}` : `${a.identical_labels}/${a.cells} identical (${(100 * a.fraction).toFixed(2)}%), conf_score max diff ${a.max_conf_score_diff.toExponential(1)}`;
  return { load: j.load, predict: j.predict, decision: j.decision_function, pipeline: j.total_pipeline, importSeconds: j.import_seconds, wall, cpu: user + sys, rssMb: kb / 1024, blas: j.blas, openblas, load1, vsCellTypist };
}

/** cell -> [label, conf_score] of a predicted_labels.csv (header: ,predicted_labels,...,conf_score). */
function readLabels(file: string): Map<string, [string, number]> {
  const bytes = readFileSync(file);
  const lines = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').split('\n').filter((l) => l.length > 0);
  const head = splitLine(lines[0]);
  const lab = head.indexOf('predicted_labels');
  const conf = head.indexOf('conf_score');
  const m = new Map<string, [string, number]>();
  for (const line of lines.slice(1)) {
    const f = splitLine(line);
    m.set(f[0], [f[lab], conf >= 0 ? Number(f[conf]) : NaN]);
  }
  return m;
}

/** How far two predicted_labels CSVs (plain or .gz) agree, cell by cell (matched by name). */
export function compareLabels(ours: string, reference: string): string {
  if (!existsSync(ours)) return 'our predicted_labels.csv is missing';
  const a = readLabels(ours);
  const b = readLabels(reference);
  let common = 0;
  let same = 0;
  let maxDiff = 0;
  for (const [cell, [label, conf]] of a) {
    const other = b.get(cell);
    if (!other) continue;
    common++;
    if (other[0] === label) same++;
    if (Number.isFinite(conf) && Number.isFinite(other[1])) maxDiff = Math.max(maxDiff, Math.abs(conf - other[1]));
  }
  if (common === 0) return `not comparable: no cell names in common (${a.size} and ${b.size} cells)`;
  return `${same}/${common} identical (${((100 * same) / common).toFixed(2)}%), conf_score max diff ${maxDiff.toExponential(1)}`;
}
