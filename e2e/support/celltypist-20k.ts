/**
 * CellTypist's own 20k × 98-type bench query (../shared/bench/README.md) and its recorded labels
 * (celltypist_20k_best: CellTypist 1.7.1, best match, bench98.pkl). The query is not stored: it is
 * remade once by scripts/make-celltypist-query.py (the shared generator's draws in row blocks,
 * ~1.2 GB of RAM instead of ~15 GB) into $CT_DATA or build-bench/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseCsv, repoPath, sharedPath } from '../../web/engine/testing/fixtures.ts';

export const MODEL98 = sharedPath('bench/bench98.pkl');
const NAME = 'bench_query_20k.h5ad';

/** The query's path, made first when missing (~1-2 min on 2 cores). */
export function celltypistQuery20k(): string {
  const dir = process.env.CT_DATA ?? repoPath('build-bench');
  const file = path.join(dir, NAME);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  console.log(`making ${file} (CellTypist's 20k bench query; once) ...`);
  execFileSync('/usr/bin/python3', [repoPath('scripts/make-celltypist-query.py'), '--out', partial], { stdio: ['ignore', 'ignore', 'inherit'] });
  renameSync(partial, file);
  return file;
}

export interface Expected {
  index: string[];
  labels: string[];
  conf: number[];
  /** Cells per label. */
  counts: Record<string, number>;
}

/** CellTypist's recorded best-match labels for the query. */
export function celltypist20kLabels(): Expected {
  const csv = parseCsv(gunzipSync(readFileSync(sharedPath('bench/celltypist_20k_best/predicted_labels.csv.gz'))).toString('utf8'));
  const li = csv.header.indexOf('predicted_labels');
  const ci = csv.header.indexOf('conf_score');
  const labels = csv.rows.map((r) => r[li]);
  const counts: Record<string, number> = {};
  for (const l of labels) counts[l] = (counts[l] ?? 0) + 1;
  return { index: csv.index, labels, conf: csv.rows.map((r) => Number(r[ci])), counts };
}
