import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainOverlap, findSymbolColumn, invalidNames, looksLikeEnsembl, minOverlap, symbolSpecies } from './identifiers.ts';

const human = Array.from({ length: 50 }, (_, i) => ['CD3E', 'LYZ', 'MS4A1', 'NKG7', 'GAPDH'][i % 5] + (i >= 5 ? String(i) : ''));
const mouse = human.map((g) => g[0] + g.slice(1).toLowerCase());
const ensembl = Array.from({ length: 50 }, (_, i) => `ENSG${String(i + 1).padStart(11, '0')}.${i % 3}`);

describe('gene identifiers', () => {
  it('detects Ensembl IDs, versioned or not', () => {
    assert.ok(looksLikeEnsembl(ensembl));
    assert.ok(looksLikeEnsembl(['ENSMUSG00000000001', 'ENSMUSG00000000028']));
    assert.ok(!looksLikeEnsembl(human));
  });
  it('tells human from mouse symbols', () => {
    assert.equal(symbolSpecies(human), 'human');
    assert.equal(symbolSpecies(mouse), 'mouse');
    assert.equal(symbolSpecies(['a', 'b']), 'unknown');
  });
  it('finds the symbol column of common pipelines', () => {
    assert.equal(findSymbolColumn(['feature_is_filtered', 'feature_name']), 'feature_name');
    assert.equal(findSymbolColumn(['Gene_Symbols']), 'Gene_Symbols');
    assert.equal(findSymbolColumn(['highly_variable']), undefined);
  });
  it('finds names that are not valid text', () => {
    assert.deepEqual(invalidNames(['CD3E', '\udfb8\uddc5NE', 'A\uFFFDB', 'ok😀']), [1, 2]);
  });
  it('explains poor overlaps precisely', () => {
    assert.match(explainOverlap(ensembl, human, 0), /Ensembl IDs .* --gene-column feature_name/);
    assert.match(explainOverlap(mouse, human, 3), /only 3 of the model's 50 genes .* looks like mouse genes .* a human model/);
    assert.equal(minOverlap(6639), 100);
    assert.equal(minOverlap(312), 32);
  });
});
