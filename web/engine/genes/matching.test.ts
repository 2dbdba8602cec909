import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { harmonizeGenes, stripVersion, symbolsFromEnsembl } from './matching.ts';

describe('gene name harmonization', () => {
  it('drops Ensembl version suffixes only', () => {
    assert.equal(stripVersion('ENSG00000141510.17'), 'ENSG00000141510');
    assert.equal(stripVersion('ENSMUSG00000059552.8'), 'ENSMUSG00000059552');
    assert.equal(stripVersion('HLA-A.1'), 'HLA-A.1');
  });
  it('renames version and case variants to the model spelling, exact matches first', () => {
    const h = harmonizeGenes(['ENSG00000141510.17', 'c1orf112', 'CD3E', 'cd3e', 'XYZ'], ['ENSG00000141510', 'C1orf112', 'CD3E']);
    assert.deepEqual(h.genes, ['ENSG00000141510', 'C1orf112', 'CD3E', 'cd3e', 'XYZ']);
    assert.equal(h.n_version, 1);
    assert.equal(h.n_case, 1);
  });
  it('can leave case alone (different species)', () => {
    assert.deepEqual(harmonizeGenes(['Cd3e'], ['CD3E'], false).genes, ['Cd3e']);
  });
  it('never renames into an ambiguous or already present name', () => {
    // Model has both spellings: ambiguous ignoring case.
    assert.deepEqual(harmonizeGenes(['abc'], ['ABC', 'Abc']).genes, ['abc']);
    // Two data genes would map to the same feature: only the first is renamed.
    assert.deepEqual(harmonizeGenes(['abc', 'aBC'], ['ABC']).genes, ['ABC', 'aBC']);
  });
  it('maps Ensembl IDs to symbols through an id,symbol table', () => {
    const table = new TextEncoder().encode('ENSG00000290825,DDX11L2\nENSG00000223972,DDX11L1\n');
    assert.deepEqual(symbolsFromEnsembl(['ENSG00000223972.5', 'ENSG00000000000', 'ENSG00000290825'], table), {
      names: ['DDX11L1', 'ENSG00000000000', 'DDX11L2'],
      n_mapped: 2,
    });
  });
});
