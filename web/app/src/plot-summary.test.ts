import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plotSummary } from './plot-summary.ts';

describe("the plot's text alternative", () => {
  const items = [{ name: 'NK cells', count: 200 }, { name: 'B cells', count: 500 }, { name: 'Platelets', count: 50 }, { name: 'CD4+ T cells', count: 250 }];
  it('names the cells, the embedding, the colouring and the three largest types with shares', () => {
    assert.equal(
      plotSummary({ cells: 1000, embedding: 'X_umap', colouredBy: 'majority voting', items }),
      'Scatter plot of 1,000 cells on X_umap, coloured by majority voting: 4 cell types, the largest B cells (50.0%), CD4+ T cells (25.0%), NK cells (20.0%).',
    );
  });
  it('says how confidence is coloured, and when there is no plot yet', () => {
    const s = plotSummary({ cells: 20000, embedding: null, colouredBy: 'confidence', items: items.slice(0, 1), confidence: true });
    assert.equal(s, '20,000 cells (no plot yet), coloured by confidence, from red (low) to blue (high): 1 cell type, the largest NK cells (100.0%).');
  });
});
