// The CLI on every input format, spawned as a user runs it: CellTypist's flags (--transpose-input,
// --gene-file, --cell-file), files compared with CellTypist's (labels identical, probabilities
// within 1e-5), gzip variants, and bad inputs answered with one clear line and exit code 1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { column, maxDelta, numeric, parseCsv, readCsv, repoPath } from '../engine/testing/fixtures.ts';
import { EXPECTED, FORMATS, TOY_MODEL, type Variants, makeVariants } from '../engine/testing/format-variants.ts';

const BIN = repoPath('web/cli/bin.mjs');
const f = (name: string) => path.join(FORMATS, name);

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
}

function annotateAndCompare(input: string, flags: string[], expected: string) {
  const out = mkdtempSync(path.join(tmpdir(), 'ctw-cli-formats-'));
  const r = cli(['annotate', '-i', input, '-m', TOY_MODEL, '-o', out, '--variant', 'simd', ...flags]);
  assert.equal(r.status, 0, r.stderr);
  const dir = path.join(EXPECTED, expected);
  const got = readCsv(path.join(out, 'predicted_labels.csv'));
  const want = readCsv(`${dir}/predicted_labels.csv`);
  assert.deepEqual(got.index, want.index);
  assert.deepEqual(column(got, 'predicted_labels'), column(want, 'predicted_labels'));
  const g = parseCsv(readFileSync(path.join(out, 'probability_matrix.csv'), 'utf8'));
  const w = readCsv(`${dir}/probability_matrix.csv`);
  assert.deepEqual(g.header, w.header);
  assert.ok(maxDelta(numeric(g), numeric(w)).abs <= 1e-5);
  return r.stderr;
}

describe('CLI: every input format gives CellTypist’s results', () => {
  it('CSV cells × genes', () => {
    const err = annotateAndCompare(f('query_1k_cells_by_genes.csv'), [], 'csv_cells_by_genes');
    assert.match(err, /found in the data \(CSV table, cells × genes \(raw counts, normalized in-stream\)\)/);
  });
  it('TSV genes × cells: CellTypist’s gene-by-cell check, and --transpose-input', () => {
    const err = annotateAndCompare(f('query_1k_genes_by_cells.tsv'), [], 'tsv_genes_by_cells');
    assert.match(err, /warning: the table looks gene-by-cell \(GAPDH is among its row names\), so it is transposed/);
    annotateAndCompare(f('query_1k_genes_by_cells.tsv'), ['--transpose-input', '--quiet'], 'tsv_genes_by_cells');
  });
  it('.mtx with --gene-file and --cell-file', () => {
    annotateAndCompare(f('query_1k_cells_by_genes.mtx'), ['--gene-file', f('query_1k_genes.tsv'), '--cell-file', f('query_1k_cells.tsv'), '--quiet'], 'mtx_cells_by_genes');
  });
  it('Cell Ranger folder and .h5', () => {
    annotateAndCompare(f('query_1k_10x'), ['--quiet'], 'csv_cells_by_genes');
    annotateAndCompare(f('query_1k_filtered_feature_bc_matrix.h5'), ['--quiet'], 'csv_cells_by_genes');
  });
});

describe('CLI: gzip variants and bad inputs', () => {
  let v: Variants;
  before(() => {
    v = makeVariants();
  });
  it('gzip-compressed table and .mtx with gzip-compressed name files', () => {
    annotateAndCompare(v.csvGz, ['--quiet'], 'csv_cells_by_genes');
    annotateAndCompare(v.mtxGz, ['--gene-file', v.genesGz, '--cell-file', v.cellsGz, '--quiet'], 'mtx_cells_by_genes');
    annotateAndCompare(v.mtxGeneMajor, ['--transpose-input', '--gene-file', f('query_1k_genes.tsv'), '--cell-file', f('query_1k_cells.tsv'), '--quiet'], 'mtx_cells_by_genes');
  });
  const fails = (args: string[], re: RegExp) => {
    const r = cli(['annotate', '-m', TOY_MODEL, '-o', mkdtempSync(path.join(tmpdir(), 'ctw-cli-bad-')), '--variant', 'simd', '--quiet', ...args]);
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^error: /);
    assert.match(lines[0], re);
    assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  };
  it('each bad input: one line saying what is wrong', () => {
    fails(['-i', f('query_1k_cells_by_genes.mtx'), '--gene-file', v.bad.shortGenes, '--cell-file', f('query_1k_cells.tsv')], /short_genes\.tsv has 1,500 genes \(lines\) but query_1k_cells_by_genes\.mtx has 1,550 genes/);
    fails(['-i', v.bad.nonNumeric], /non_numeric\.csv, line 6, column \d+: 'abc' is not a number/);
    fails(['-i', v.bad.negativeMtx, '--gene-file', f('query_1k_genes.tsv'), '--cell-file', f('query_1k_cells.tsv')], /negative\.mtx, line 13, column 3: '-3' is not a count/);
    fails(['-i', v.bad.ragged], /ragged\.csv, line 8: 1,549 values/);
    fails(['-i', v.bad.empty], /empty\.csv is empty/);
    fails(['-i', v.bad.lonelyMtx], /needs a gene file and a cell file/);
    fails(['-i', f('query_1k_cells_by_genes.mtx'), '--gene-file', f('query_1k_genes.tsv')], /needs both a gene file and a cell file/);
    fails(['-i', f('query_1k_cells_by_genes.csv'), '--write-h5ad'], /--write-h5ad adds the annotations to an \.h5ad input/);
  });
});
