// Parity of every input format with CellTypist 1.7.1 (../shared/fixtures/formats, expected in
// expected/toy_lr__formats): labels identical, probabilities within 1e-5; gzip variants, the
// bucket-sort path, Cell Ranger v2/v3 variants, and one clear message for each bad input.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import path from 'node:path';
import { annotate, openInputPath } from '../node.ts';
import { assertParity as parity } from '../testing/fixtures.ts';
import { EXPECTED, FORMATS, TOY_MODEL, type Variants, makeHdf5Variants, makeVariants } from '../testing/format-variants.ts';
import type { NodeAnnotateOptions } from '../node.ts';
import type { AnnotationResult } from '../types.ts';

const f = (name: string) => path.join(FORMATS, name);

/** The result equals CellTypist's for the input named `expected` (labels; scores within tolerance). */
const assertParity = (r: AnnotationResult, expected: string) => void parity(r, path.join(EXPECTED, expected));

async function run(input: string, options: NodeAnnotateOptions = {}) {
  return annotate(input, TOY_MODEL, { variant: 'simd', chunk_rows: 300, ...options });
}

describe('input formats: parity with CellTypist on every shared file', () => {
  it('CSV cells × genes', async () => {
    const r = await run(f('query_1k_cells_by_genes.csv'));
    assertParity(r, 'csv_cells_by_genes');
    assert.match(r.stats.matrix, /CSV table, cells × genes \(raw counts, normalized in-stream\)/);
    assert.deepEqual(r.stats.warnings, []);
  });
  it('TSV genes × cells, transposed by CellTypist’s own check (GAPDH among the rows)', async () => {
    const r = await run(f('query_1k_genes_by_cells.tsv'));
    assertParity(r, 'tsv_genes_by_cells');
    assert.match(r.stats.matrix, /genes × cells/);
    assert.ok(r.stats.warnings.some((w) => /gene-by-cell \(GAPDH is among its row names\)/.test(w)));
  });
  it('TSV genes × cells with --transpose-input (no automatic check needed)', async () => {
    const r = await run(f('query_1k_genes_by_cells.tsv'), { transpose_input: true });
    assertParity(r, 'tsv_genes_by_cells');
    assert.ok(!r.stats.warnings.some((w) => /gene-by-cell/.test(w)));
  });
  it('Matrix Market cells × genes with --gene-file/--cell-file', async () => {
    const r = await run(f('query_1k_cells_by_genes.mtx'), { gene_file: f('query_1k_genes.tsv'), cell_file: f('query_1k_cells.tsv') });
    assertParity(r, 'mtx_cells_by_genes');
  });
  it('Cell Ranger v3 folder (scanpy read_10x_mtx semantics)', async () => {
    const r = await run(f('query_1k_10x'));
    assertParity(r, 'csv_cells_by_genes');
    assert.match(r.stats.matrix, /Cell Ranger v3 folder, genes × cells/);
  });
  it('Cell Ranger matrix.mtx.gz alone: its folder supplies features and barcodes', async () => {
    assertParity(await run(f('query_1k_10x/matrix.mtx.gz')), 'csv_cells_by_genes');
  });
  it('Cell Ranger v3 feature-barcode .h5', async () => {
    const r = await run(f('query_1k_filtered_feature_bc_matrix.h5'));
    assertParity(r, 'csv_cells_by_genes');
    assert.match(r.stats.matrix, /Cell Ranger v3 \.h5/);
  });
  it('every format in one chunk and in 1-cell chunks gives the same numbers', async () => {
    for (const chunk_rows of [1, 5000]) assertParity(await run(f('query_1k_cells_by_genes.mtx'), { gene_file: f('query_1k_genes.tsv'), cell_file: f('query_1k_cells.tsv'), chunk_rows }), 'mtx_cells_by_genes');
  });
});

describe('input formats: variants', () => {
  let v: Variants;
  let h5: { v2: string; neither: string };
  before(async () => {
    v = makeVariants();
    h5 = await makeHdf5Variants(v.dir);
  });
  it('gzip-compressed CSV, TSV, mtx and name files', async () => {
    assertParity(await run(v.csvGz), 'csv_cells_by_genes');
    assertParity(await run(v.tsvGz), 'tsv_genes_by_cells');
    const r = await run(v.mtxGz, { gene_file: v.genesGz, cell_file: v.cellsGz });
    assertParity(r, 'mtx_cells_by_genes');
    assert.match(r.stats.matrix, /Matrix Market \(gzip\)/);
  });
  it('gene-major .mtx with --transpose-input (two-pass bucket sort through a temporary file)', async () => {
    assertParity(await run(v.mtxGeneMajor, { transpose_input: true, gene_file: f('query_1k_genes.tsv'), cell_file: f('query_1k_cells.tsv') }), 'mtx_cells_by_genes');
  });
  it('.mtx with entries in random order', async () => {
    assertParity(await run(v.mtxShuffled, { gene_file: f('query_1k_genes.tsv'), cell_file: f('query_1k_cells.tsv') }), 'mtx_cells_by_genes');
  });
  it('Cell Ranger folder with Antibody Capture features: Gene Expression only', async () => {
    const r = await run(v.tenxPlus);
    assertParity(r, 'csv_cells_by_genes');
    assert.ok(r.stats.warnings.some((w) => /3 features that are not 'Gene Expression' \(Antibody Capture\) are left out/.test(w)));
  });
  it('Cell Ranger v2 folder (genes.tsv) and v2 .h5 (GRCh38 group)', async () => {
    assertParity(await run(v.tenxV2), 'csv_cells_by_genes');
    const r = await run(h5.v2);
    assertParity(r, 'csv_cells_by_genes');
    assert.match(r.stats.matrix, /Cell Ranger v2 \.h5/);
  });
  it('Cell Ranger features: the identifier column that matches the model is used', async () => {
    const r = await run(v.tenxIds);
    assertParity(r, 'csv_cells_by_genes');
    assert.ok(r.stats.warnings.some((w) => /identified by their feature IDs/.test(w)));
    const reader = await openInputPath(v.tenxIds);
    assert.equal(reader.varNames()[0].startsWith('sym_'), true, 'without a model: symbols, as scanpy');
    assert.deepEqual(reader.varColumns(), ['gene_ids', 'gene_symbols', 'feature_types']);
    reader.close();
  });
  it('the reader says what it read (format, orientation) for the app summary', async () => {
    const reader = await openInputPath(f('query_1k_genes_by_cells.tsv'));
    assert.deepEqual({ ...reader.format, warnings: undefined }, { name: 'text table', orientation: 'genes × cells', files: ['query_1k_genes_by_cells.tsv'], warnings: undefined });
    assert.equal(reader.summary.n_obs, 1000);
    assert.equal(reader.summary.n_vars, 1550);
    reader.close();
  });
});

describe('input formats: bad input gets one clear line', () => {
  let v: Variants;
  let h5: { v2: string; neither: string };
  before(async () => {
    v = makeVariants();
    h5 = await makeHdf5Variants(v.dir);
  });
  const rejects = async (p: Promise<unknown>, re: RegExp) => {
    await assert.rejects(p, (e: Error) => {
      assert.match(e.message, re);
      assert.ok(!e.message.includes('\n'), 'one line');
      assert.equal(e.name, 'CellTypistError');
      return true;
    });
  };
  it('a gene file whose line count does not match the matrix names the file and both counts', async () => {
    await rejects(run(f('query_1k_cells_by_genes.mtx'), { gene_file: v.bad.shortGenes, cell_file: f('query_1k_cells.tsv') }), /short_genes\.tsv has 1,500 genes \(lines\) but query_1k_cells_by_genes\.mtx has 1,550 genes \(columns\)/);
    await rejects(run(f('query_1k_cells_by_genes.mtx'), { gene_file: f('query_1k_cells.tsv'), cell_file: f('query_1k_genes.tsv') }), /query_1k_cells\.tsv has 1,000 genes \(lines\) but query_1k_cells_by_genes\.mtx has 1,550 genes/);
    // A genes × cells matrix (as Cell Ranger writes) without --transpose-input: the flag is suggested.
    await rejects(run(v.mtxGeneMajor, { gene_file: f('query_1k_genes.tsv'), cell_file: f('query_1k_cells.tsv') }), /has 1,550 genes \(lines\) but genes_by_cells\.mtx has 1,000 genes \(columns\); the matrix looks genes × cells \(as Cell Ranger writes it\): add --transpose-input$/);
  });
  it('a non-numeric value: file, line and column', async () => {
    await rejects(run(v.bad.nonNumeric), /non_numeric\.csv, line 6, column \d+: 'abc' is not a number/);
  });
  it('a negative count in a .mtx: file, line and column', async () => {
    await rejects(run(v.bad.negativeMtx, { gene_file: f('query_1k_genes.tsv'), cell_file: f('query_1k_cells.tsv') }), /negative\.mtx, line 13, column 3: '-3' is not a count ≥ 0/);
  });
  it('a ragged row', async () => {
    await rejects(run(v.bad.ragged), /ragged\.csv, line 8: 1,549 values where the first data row \(line 2\) has 1,550/);
  });
  it('an empty file', async () => {
    await rejects(run(v.bad.empty), /empty\.csv is empty \(0 bytes\)/);
  });
  it('a truncated .mtx and a truncated gzip file', async () => {
    await rejects(run(v.bad.truncatedMtx, { gene_file: f('query_1k_genes.tsv'), cell_file: f('query_1k_cells.tsv') }), /declares 467,396 entries on its size line but holds 1,000: the file is truncated/);
    await rejects(run(v.bad.truncatedGz), /truncated\.csv\.gz is not valid gzip data|truncated\.csv\.gz.*(truncated|ended)/);
  });
  it('a .mtx without gene and cell files', async () => {
    await rejects(run(v.bad.lonelyMtx), /lonely\.mtx is a Matrix Market file: it needs a gene file and a cell file/);
  });
  it('an .h5 that is neither AnnData nor Cell Ranger says what it holds', async () => {
    await rejects(run(h5.neither), /neither\.h5 is an HDF5 file but neither an AnnData \.h5ad .* nor a Cell Ranger \.h5 .*; it holds images, values/);
  });
  it('a folder that is not a Cell Ranger output', async () => {
    await rejects(run(FORMATS), /not a Cell Ranger output/);
  });
});
