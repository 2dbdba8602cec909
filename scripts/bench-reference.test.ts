/**
 * The CellTypist-equivalent reference (a benchmark aid) must itself be CellTypist: on the 1k
 * fixture its labels and conf_score equal CellTypist 1.7.1's recorded outputs (multi-class and
 * binary models), and the label comparison bench-cli prints must be right. Needs Debian's python3
 * stack (numpy, pandas, scipy, scikit-learn, anndata); skipped with the reason when it is absent.
 *
 *   node --import tsx --test scripts/bench-reference.test.ts
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { compareLabels, runReference } from './bench-reference.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = path.join(process.env.CT_SHARED ?? path.join(repo, '..', 'shared'), 'fixtures');
const query = path.join(fixtures, 'synthetic/query_1k.h5ad');
const dir = mkdtempSync(path.join(tmpdir(), 'bench-reference-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const probe = spawnSync('/usr/bin/python3', ['-c', 'import anndata, sklearn, pandas, scipy'], { encoding: 'utf8' });
const noPython = probe.status === 0 ? false : `Debian's python3 stack is missing: ${probe.stderr?.trim().split('\n').pop() ?? probe.error}`;

for (const model of ['toy_lr', 'toy_binary']) {
  test(`reference on query_1k with ${model}: every label and conf_score equal CellTypist's recorded best match`, { skip: noPython }, () => {
    const labels = path.join(dir, `${model}.csv`);
    const r = runReference(query, path.join(fixtures, `models/${model}.pkl`), labels);
    assert.ok(typeof r !== 'string', `reference failed: ${r}`);
    const expected = path.join(fixtures, `expected/${model}__query_1k/best_match/predicted_labels.csv`);
    // Same libraries, same order of operations: bit-level agreement up to the last ulp.
    const m = /^(\d+)\/(\d+) identical \(100\.00%\), conf_score max diff (\S+)$/.exec(compareLabels(labels, expected));
    assert.ok(m, compareLabels(labels, expected));
    assert.equal(m[1], '1000');
    assert.ok(Number(m[3]) < 1e-12, `conf_score differs by ${m[3]}`);
    assert.ok(r.load > 0 && r.predict > 0 && Math.abs(r.pipeline - r.load - r.predict) < 1e-6, 'load + predict = pipeline');
    assert.ok(r.wall >= r.pipeline && r.rssMb > 50, 'whole process measured around the pipeline');
  });
}

test('reference: a missing interpreter is one line saying what to set, not a crash', () => {
  const saved = process.env.CT_PYTHON;
  process.env.CT_PYTHON = path.join(dir, 'no-python');
  try {
    const r = runReference(query, path.join(fixtures, 'models/toy_lr.pkl'), path.join(dir, 'x.csv'));
    assert.equal(typeof r, 'string');
    assert.match(r as string, /^no .*no-python \(set CT_PYTHON to a python3 with numpy/);
  } finally {
    if (saved === undefined) delete process.env.CT_PYTHON;
    else process.env.CT_PYTHON = saved;
  }
});

test('compareLabels: matches cells by name, reads quoted fields and .gz, reports the largest conf_score gap', () => {
  const a = path.join(dir, 'a.csv');
  const b = path.join(dir, 'b.csv.gz');
  writeFileSync(a, ',predicted_labels,conf_score\nc1,"T cells, CD4+",0.5\nc2,B cells,0.25\nc3,"say ""hi""",0.1\nonly_a,B cells,1\n');
  // Other order, one label different, one cell only here.
  writeFileSync(b, gzipSync(',predicted_labels,conf_score\nc3,"say ""hi""",0.1\nc2,NK cells,0.25\nc1,"T cells, CD4+",0.75\nonly_b,X,0\n'));
  assert.equal(compareLabels(a, b), '2/3 identical (66.67%), conf_score max diff 2.5e-1');
  const c = path.join(dir, 'c.csv');
  writeFileSync(c, ',predicted_labels,conf_score\nzz,B cells,0.2\n');
  assert.equal(compareLabels(a, c), 'not comparable: no cell names in common (4 and 1 cells)');
  assert.equal(compareLabels(path.join(dir, 'none.csv'), c), 'our predicted_labels.csv is missing');
});
