// CellTypist's gene-by-cell rule (and our Ensembl extension), the raw-count warning and the
// Cell Ranger identifier choice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseIdentifier, countsWarning, looksGeneByCell } from './orientation.ts';

describe('looksGeneByCell', () => {
  const cells = ['AAAC-1', 'AAAG-1'];
  it('transposes for ≥ 100,000 columns, a first column name of ≥ 30 characters, or a marker gene among the rows', () => {
    assert.equal(looksGeneByCell(['a'], Array.from({ length: 100_000 }, (_, i) => `c${i}`)).transpose, true);
    assert.equal(looksGeneByCell(['a'], Array.from({ length: 99_999 }, (_, i) => `c${i}`)).transpose, false);
    assert.equal(looksGeneByCell(cells, ['x'.repeat(30), 'CD3E']).transpose, true);
    assert.equal(looksGeneByCell(cells, ['x'.repeat(29), 'CD3E']).transpose, false);
    for (const g of ['GAPDH', 'ACTB', 'CALM1', 'PTPRC', 'MALAT1']) assert.match(looksGeneByCell(['CD3E', g], cells).reason!, new RegExp(g));
    assert.equal(looksGeneByCell(['gapdh'], cells).transpose, false, 'exact names, as pandas intersection');
  });
  it('transposes when the row names are Ensembl IDs and the columns are not (ours)', () => {
    const ids = ['ENSG00000141510', 'ENSG00000012048.22', 'ENSMUSG00000059552'];
    assert.match(looksGeneByCell(ids, cells).reason!, /Ensembl gene IDs/);
    assert.equal(looksGeneByCell(cells, ids).transpose, false);
    assert.equal(looksGeneByCell(ids, ids).transpose, false);
  });
});

describe('countsWarning', () => {
  it('warns when the largest value of the first 1,000 cells is not an integer (implicit zeros count)', () => {
    assert.equal(countsWarning(7), undefined);
    assert.equal(countsWarning(0), undefined);
    assert.match(countsWarning(7.5)!, /not a raw count matrix/);
    assert.equal(countsWarning(-Infinity), undefined, 'all-zero block: max is 0');
  });
});

describe('chooseIdentifier', () => {
  const ids = ['ENSG1', 'ENSG2', 'ENSG3'];
  const names = ['CD3E', 'MS4A1', 'LYZ'];
  it('symbols by default (scanpy), IDs when they match more model genes (version suffixes ignored)', () => {
    assert.equal(chooseIdentifier(ids, names).use, 'name');
    assert.equal(chooseIdentifier(ids, names, ['CD3E', 'LYZ']).use, 'name');
    const r = chooseIdentifier(ids, names, ['ENSG1.4', 'ENSG2', 'CD3E']);
    assert.equal(r.use, 'id');
    assert.match(r.note!, /match 2 model genes \(symbols match 1\)/);
    assert.equal(chooseIdentifier(ids, names, ['ENSG1', 'CD3E']).use, 'name', 'a tie keeps symbols');
  });
});
