/**
 * The CellTypist-equivalent reference (scripts/bench-celltypist-reference.py) run from the
 * benchmarks: CellTypist 1.7.1's load + predict redone with its own libraries by Debian's
 * python3, timed on the same machine in the same minute as our command, since these shared VMs
 * vary ~2x in speed between sessions and CellTypist's recorded timings come from another day.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = path.join(repo, 'scripts/bench-celltypist-reference.py');
/** Debian's interpreter: a pyenv `python3` earlier on PATH lacks numpy/sklearn/anndata. */
const PYTHON = process.env.CT_PYTHON ?? '/usr/bin/python3';

export interface ReferenceRun {
  /** load + predict as CellTypist's timings.json counts it (imports and CSV writing excluded). */
  load: number;
  predict: number;
  pipeline: number;
  importSeconds: number;
  /** The whole python process (GNU time): wall, user + sys, peak RSS. */
  wall: number;
  cpu: number;
  rssMb: number;
  blas: string;
  /** Load average when it started. */
  load1: number;
  /** Its agreement with CellTypist's recorded labels, or why there is none (different query). */
  vsCellTypist: string;
}

/** Runs the reference on `input` and saves its labels to `labelsOut`; a string says why not. */
export function runReference(input: string, model: string, labelsOut: string): ReferenceRun | string {
  if (!existsSync(PYTHON)) return `no ${PYTHON} (set CT_PYTHON to a python3 with numpy, pandas, scipy, scikit-learn, anndata)`;
  const stats = `${labelsOut}.time`;
  const load1 = loadavg()[0];
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', stats, PYTHON, SCRIPT, '--input', input, '--model', model, '--save-labels', labelsOut, '--json'], { encoding: 'utf8' });
  if (r.status !== 0) return r.stderr.trim().split('\n').pop() || `exit ${r.status}`;
  const [wall, user, sys, kb] = readFileSync(stats, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
  const a = j.agreement;
  const vsCellTypist = !a ? 'no CellTypist output to compare with' : a.error ? `not comparable: ${a.error}` : `${a.identical_labels}/${a.cells} identical (${(100 * a.fraction).toFixed(2)}%), conf_score max diff ${a.max_conf_score_diff.toExponential(1)}`;
  return { load: j.load, predict: j.predict, pipeline: j.total_pipeline, importSeconds: j.import_seconds, wall, cpu: user + sys, rssMb: kb / 1024, blas: j.blas, load1, vsCellTypist };
}

/** First fields of a CSV line, honouring Python's quoting of fields that hold commas or quotes. */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') (cur += '"'), i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) out.push(cur), (cur = '');
    else cur += c;
  }
  out.push(cur);
  return out;
}

/** cell -> [label, conf_score] of a predicted_labels.csv (header: ,predicted_labels,...,conf_score). */
function readLabels(file: string): Map<string, [string, number]> {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
  const head = fields(lines[0]);
  const lab = head.indexOf('predicted_labels');
  const conf = head.indexOf('conf_score');
  const m = new Map<string, [string, number]>();
  for (const line of lines.slice(1)) {
    const f = fields(line);
    m.set(f[0], [f[lab], conf >= 0 ? Number(f[conf]) : NaN]);
  }
  return m;
}

/** How far our predicted_labels.csv agrees with the reference's, cell by cell (by name). */
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
  if (common === 0) return `no cells in common between our ${a.size} and the reference's ${b.size}`;
  return `${same}/${common} identical to ours (${((100 * same) / common).toFixed(2)}%), conf_score max diff ${maxDiff.toExponential(1)}`;
}
