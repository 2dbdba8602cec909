/**
 * The benchmarks' synthetic queries (structured: 30 groups, the 98-type bench model's genes,
 * 19,639 genes), generated once into the git-ignored build-bench/ (or taken from $CT_DATA).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.CT_SHARED ?? path.join(repo, '..', 'shared');
/** The 98-type model the queries are made for (CellTypist's bench model). */
export const MODEL98 = path.join(shared, 'bench/bench98.pkl');

const QUERIES = {
  'q20k.h5ad': { cells: 20_000, density: 0.15, seed: 1 },
  'q200k.h5ad': { cells: 200_000, density: 0.04, seed: 2 },
  'q1m_2pct.h5ad': { cells: 1_000_000, density: 0.02, seed: 24 },
  // Issue 32's atlas case: 1M cells at 1 % nonzero (196M values), no embedding.
  'q1m.h5ad': { cells: 1_000_000, density: 0.01, seed: 25 },
} as const;

export type BenchQuery = keyof typeof QUERIES;

/** The path of a bench query, generating it first when it is missing (20k ≈ 6 s, 1M ≈ 1 min). */
export function benchQuery(name: BenchQuery): string {
  const dir = process.env.CT_DATA ?? path.join(repo, 'build-bench');
  const file = path.join(dir, name);
  if (existsSync(file)) return file;
  const q = QUERIES[name];
  mkdirSync(dir, { recursive: true });
  console.log(`generating ${file} (${q.cells.toLocaleString('en-US')} cells x 19,639 genes, ${q.density * 100}% nonzero; once)...`);
  execFileSync(process.execPath, ['--import', 'tsx', path.join(repo, 'scripts/make-synthetic-h5ad.ts'), '--out', file, '--cells', String(q.cells), '--density', String(q.density), '--types', '30', '--model', MODEL98, '--seed', String(q.seed)], { stdio: 'inherit' });
  return file;
}
