// The app with every input format (production build, Chromium): several files at once (mtx +
// genes + cells), a Cell Ranger folder, tables (cells × genes and genes × cells), the 10x .h5;
// the data summary names format and orientation; labels and probabilities equal CellTypist's;
// bad input gets one clear message.
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { column, maxDelta, numeric, parseCsv, readCsv } from '../web/engine/testing/fixtures.ts';
import { EXPECTED, FORMATS, TOY_MODEL, type Variants, makeVariants } from '../web/engine/testing/format-variants.ts';
import { downloadText, runAndWait, useHarness, waitRunnable } from './support/harness.ts';

const h = useHarness();
const f = (name: string) => path.join(FORMATS, name);

async function annotateAndCompare(page: Page, expected: string) {
  await runAndWait(page);
  const dir = path.join(EXPECTED, expected);
  const got = parseCsv(await downloadText(page, '#dl-labels'));
  const want = readCsv(`${dir}/predicted_labels.csv`);
  assert.deepEqual(got.index, want.index);
  assert.deepEqual(column(got, 'predicted_labels'), column(want, 'predicted_labels'));
  const prob = parseCsv(await downloadText(page, '#dl-probability'));
  assert.ok(maxDelta(numeric(prob), numeric(readCsv(`${dir}/probability_matrix.csv`))).abs <= 1e-5);
}

async function load(page: Page, selector: string, files: string | string[]) {
  await page.setInputFiles('#model-file', TOY_MODEL);
  await page.setInputFiles(selector, files);
  await waitRunnable(page);
  return (await page.textContent('#data-summary'))!;
}

describe('app: every input format', () => {
  let v: Variants;
  before(() => {
    v = makeVariants();
  });
  it('a .mtx dropped together with its gene and cell files', async () => {
    const page = await h.openApp(h.server.url);
    const s = await load(page, '#data-file', [f('query_1k_cells_by_genes.mtx'), f('query_1k_genes.tsv'), f('query_1k_cells.tsv')]);
    assert.match(s, /query_1k_cells_by_genes\.mtx \+ query_1k_genes\.tsv \+ query_1k_cells\.tsv: 1,000 cells × 1,550 genes/);
    assert.match(s, /Format: Matrix Market, cells × genes/);
    await annotateAndCompare(page, 'mtx_cells_by_genes');
    await page.close();
  });
  it('a Cell Ranger folder (folder chooser)', async () => {
    const page = await h.openApp(h.server.url);
    const s = await load(page, '#data-file-folder', f('query_1k_10x'));
    assert.match(s, /query_1k_10x\/ \(3 files\): 1,000 cells × 1,550 genes/);
    assert.match(s, /Format: Cell Ranger v3 folder, genes × cells \(read cell by cell\)/);
    await annotateAndCompare(page, 'csv_cells_by_genes');
    await page.close();
  });
  it('a gene-by-cell table, gzip-compressed: transposed by CellTypist’s rule (spilled to browser storage)', async () => {
    const page = await h.openApp(h.server.url);
    const s = await load(page, '#data-file', v.tsvGz);
    assert.match(s, /Format: text table \(gzip\), genes × cells/);
    assert.match(s, /looks gene-by-cell \(GAPDH is among its row names\)/);
    await annotateAndCompare(page, 'tsv_genes_by_cells');
    await page.close();
  });
  it('a CSV table and the Cell Ranger .h5', async () => {
    const page = await h.openApp(h.server.url);
    assert.match(await load(page, '#data-file', f('query_1k_cells_by_genes.csv')), /Format: CSV table, cells × genes/);
    await annotateAndCompare(page, 'csv_cells_by_genes');
    // The annotated .h5ad adds columns to an .h5ad input: not offered for a table.
    assert.equal(await page.isDisabled('#dl-h5ad'), true);
    assert.match(await load(page, '#data-file', f('query_1k_filtered_feature_bc_matrix.h5')), /Format: Cell Ranger v3 \.h5, genes × cells/);
    await annotateAndCompare(page, 'csv_cells_by_genes');
    await page.close();
  });
  it('bad inputs: one clear message each', async () => {
    const page = await h.openApp(h.server.url);
    const error = async (files: string | string[], re: RegExp) => {
      await page.evaluate(() => (document.getElementById('error')!.textContent = ''));
      await page.setInputFiles('#data-file', files);
      await page.waitForFunction(() => document.getElementById('error')!.textContent !== '', null, { timeout: 30000 });
      const msg = (await page.textContent('#error'))!;
      assert.match(msg, re);
      assert.ok(!/\bat \S+:\d+/.test(msg), 'no stack trace');
    };
    await error(v.bad.ragged, /ragged\.csv, line 8: 1,549 values where the first data row \(line 2\) has 1,550/);
    await error(v.bad.nonNumeric, /non_numeric\.csv, line 6, column \d+: 'abc' is not a number/);
    await error([f('query_1k_cells_by_genes.mtx'), v.bad.shortGenes, f('query_1k_cells.tsv')], /short_genes\.tsv has 1,500 genes \(lines\) but query_1k_cells_by_genes\.mtx has 1,550 genes/);
    await error(f('query_1k_cells_by_genes.mtx'), /needs a gene file and a cell file/);
    await error(v.bad.empty, /empty\.csv is empty/);
    await page.close();
  });
});
