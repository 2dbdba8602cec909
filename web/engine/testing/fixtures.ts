/** Test helpers: locate ../shared and read CellTypist's expected CSVs in place. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnnotationResult } from '../types.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Absolute path under the shared folder ($CT_SHARED or ../shared beside the repo). */
export function sharedPath(rel: string): string {
  return path.join(process.env.CT_SHARED ?? path.join(repo, '..', 'shared'), rel);
}

export function repoPath(rel: string): string {
  return path.join(repo, rel);
}

export interface Csv {
  header: string[];
  index: string[];
  rows: string[][];
}

/** The fields of one CSV line as pandas writes it (quoted fields, doubled quotes, CRLF tolerated). */
export function splitLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else if (c !== '\r') cur += c;
  }
  out.push(cur);
  return out;
}

export function parseCsv(text: string): Csv {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = splitLine(lines[0]).slice(1);
  const index: string[] = [];
  const rows: string[][] = [];
  for (const l of lines.slice(1)) {
    const f = splitLine(l);
    index.push(f[0]);
    rows.push(f.slice(1));
  }
  return { header, index, rows };
}

export function readCsv(file: string): Csv {
  return parseCsv(readFileSync(file, 'utf8'));
}

export function column(csv: Csv, name: string): string[] {
  const i = csv.header.indexOf(name);
  if (i < 0) throw new Error(`no column ${name}`);
  return csv.rows.map((r) => r[i]);
}

export function numeric(csv: Csv): Float64Array {
  return Float64Array.from(csv.rows.flat(), Number);
}

/** Max |a-b| / max(1, |b|) and max |a-b|. */
export function maxDelta(a: ArrayLike<number>, b: ArrayLike<number>): { abs: number; rel: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let abs = 0;
  let rel = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    abs = Math.max(abs, d);
    rel = Math.max(rel, d / Math.max(1, Math.abs(b[i])));
  }
  return { abs, rel };
}

/**
 * A result against CellTypist's three tables in `dir` (predicted_labels, decision_matrix,
 * probability_matrix .csv): the same cells, labels and predicted labels, decision scores within
 * 1e-4 (relative), probabilities within 1e-5. Returns the deltas and the labels table.
 */
export function assertParity(r: AnnotationResult, dir: string): { d: { abs: number; rel: number }; p: { abs: number; rel: number }; labels: Csv } {
  const labels = readCsv(`${dir}/predicted_labels.csv`);
  const dec = readCsv(`${dir}/decision_matrix.csv`);
  const prob = readCsv(`${dir}/probability_matrix.csv`);
  assert.deepEqual(r.cell_ids, labels.index);
  assert.deepEqual(r.labels, dec.header);
  assert.deepEqual(r.predicted_labels, column(labels, 'predicted_labels'));
  const d = maxDelta(r.decision_matrix!, numeric(dec));
  const p = maxDelta(r.probability_matrix!, numeric(prob));
  assert.ok(d.rel <= 1e-4, `decision rel delta ${d.rel}`);
  assert.ok(p.abs <= 1e-5, `probability delta ${p.abs}`);
  return { d, p, labels };
}

/** Every CellTypist run in the fixtures that a plain annotate call reproduces. */
export interface FixtureCase {
  name: string;
  model: string;
  input: string;
  expected: string;
  mode: 'best_match' | 'prob_match';
  over_clustering?: string;
  min_prop?: number;
}

const Q = 'fixtures/synthetic/query_1k.h5ad';
const P = 'fixtures/real/pbmc68k_reduced.h5ad';
const E = 'fixtures/expected/';
export const FIXTURE_CASES: FixtureCase[] = [
  { name: 'toy_lr best', model: 'fixtures/models/toy_lr.pkl', input: Q, expected: E + 'toy_lr__query_1k/best_match', mode: 'best_match' },
  { name: 'toy_lr prob', model: 'fixtures/models/toy_lr.pkl', input: Q, expected: E + 'toy_lr__query_1k/prob_match_p0.5', mode: 'prob_match' },
  { name: 'toy_lr vote 0.6', model: 'fixtures/models/toy_lr.pkl', input: Q, expected: E + 'toy_lr__query_1k/majority_voting_given_minprop0.6', mode: 'best_match', over_clustering: 'given_clusters', min_prop: 0.6 },
  { name: 'toy_lr vote 0', model: 'fixtures/models/toy_lr.pkl', input: Q, expected: E + 'toy_lr__query_1k/majority_voting_given_minprop0', mode: 'best_match', over_clustering: 'given_clusters', min_prop: 0 },
  { name: 'toy_lr prob vote', model: 'fixtures/models/toy_lr.pkl', input: Q, expected: E + 'toy_lr__query_1k/prob_match_p0.5_majority_voting_given_minprop0.6', mode: 'prob_match', over_clustering: 'given_clusters', min_prop: 0.6 },
  { name: 'toy_lr auto (labels)', model: 'fixtures/models/toy_lr.pkl', input: Q, expected: E + 'toy_lr__query_1k/majority_voting_auto', mode: 'best_match' },
  { name: 'numpy2 pickle', model: 'fixtures/models/toy_lr_numpy2.pkl', input: Q, expected: E + 'toy_lr__query_1k/best_match', mode: 'best_match' },
  { name: 'toy_lr_fs best', model: 'fixtures/models/toy_lr_fs.pkl', input: Q, expected: E + 'toy_lr_fs__query_1k/best_match', mode: 'best_match' },
  { name: 'toy_sgd best', model: 'fixtures/models/toy_sgd.pkl', input: Q, expected: E + 'toy_sgd__query_1k/best_match', mode: 'best_match' },
  { name: 'toy_sgd prob', model: 'fixtures/models/toy_sgd.pkl', input: Q, expected: E + 'toy_sgd__query_1k/prob_match_p0.5', mode: 'prob_match' },
  { name: 'toy_binary best', model: 'fixtures/models/toy_binary.pkl', input: Q, expected: E + 'toy_binary__query_1k/best_match', mode: 'best_match' },
  { name: 'toy_binary prob', model: 'fixtures/models/toy_binary.pkl', input: Q, expected: E + 'toy_binary__query_1k/prob_match_p0.5', mode: 'prob_match' },
  { name: 'pbmc68k best (raw fallback)', model: 'fixtures/models/pbmc68k_bulk.pkl', input: P, expected: 'fixtures/real/expected/pbmc68k_bulk__pbmc68k_reduced/best_match', mode: 'best_match' },
  { name: 'pbmc68k louvain vote', model: 'fixtures/models/pbmc68k_bulk.pkl', input: P, expected: 'fixtures/real/expected/pbmc68k_bulk__pbmc68k_reduced/majority_voting_louvain', mode: 'best_match', over_clustering: 'louvain', min_prop: 0 },
  { name: 'pbmc68k auto (labels)', model: 'fixtures/models/pbmc68k_bulk.pkl', input: P, expected: 'fixtures/real/expected/pbmc68k_bulk__pbmc68k_reduced/majority_voting_auto', mode: 'best_match' },
];

/** Share of cells labelled as the truth, over the cells whose truth is one of `known` (the model's types). */
export function accuracy(labels: string[], truth: string[], known: Set<string>): number {
  let n = 0;
  let right = 0;
  truth.forEach((t, i) => {
    if (!known.has(t)) return;
    n++;
    if (labels[i] === t) right++;
  });
  return right / n;
}
