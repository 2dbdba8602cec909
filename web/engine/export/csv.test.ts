import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvField, embeddingCsv, predictedLabelsCsv, proportionsCsv, pyFloat } from './csv.ts';
import type { AnnotationResult } from '../types.ts';

describe('CSV export', () => {
  it('writes an embedding with the cell ids as index', () => {
    assert.equal(embeddingCsv(['a', 'b,c'], new Float32Array([1, 2.5, -3, 0]), ['UMAP1', 'UMAP2']), ',UMAP1,UMAP2\na,1.0,2.5\n"b,c",-3.0,0.0\n');
  });
  it('formats floats like Python repr (what pandas writes by default)', () => {
    const cases: [number, string][] = [
      [0.1, '0.1'],
      [123, '123.0'],
      [-2.5, '-2.5'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [1.5e-7, '1.5e-07'],
      [1e16, '1e+16'],
      [12345678901234567, '1.2345678901234568e+16'],
      [0.99092780432749816, '0.9909278043274982'],
      [0, '0.0'],
      [NaN, 'nan'],
      // Either side of Python's switches to exponents (1e-4 and 1e16), and negatives.
      [9.999999999999999e-5, '9.999999999999999e-05'],
      [-0.00012, '-0.00012'],
      [9999999999999998, '9999999999999998.0'],
      [1e15, '1000000000000000.0'],
      [-1.5e16, '-1.5e+16'],
      [-0, '-0.0'],
    ];
    for (const [x, want] of cases) assert.equal(pyFloat(x), want, String(x));
    // Round trip is exact.
    for (const x of [Math.PI, 1 / 3, 2.220446049250313e-16, 8.16e-15]) assert.equal(Number(pyFloat(x)), x);
  });
  it('quotes only when needed, as pandas', () => {
    assert.equal(csvField('CD4+ T cells'), 'CD4+ T cells');
    assert.equal(csvField('A,B'), '"A,B"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
  });
  it('writes predicted_labels.csv with CellTypist columns', () => {
    const r = {
      cell_ids: ['c1', 'c2'],
      predicted_labels: ['T', 'B|T'],
      conf_score: new Float64Array([0.5, 0.25]),
      over_clustering: ['0', '0'],
      majority_voting: ['T', 'T'],
    } as unknown as AnnotationResult;
    assert.equal(predictedLabelsCsv(r), ',predicted_labels,over_clustering,majority_voting,conf_score\nc1,T,0,T,0.5\nc2,B|T,0,T,0.25\n');
  });
  it('computes proportions per group', () => {
    assert.equal(proportionsCsv(['T', 'T', 'B', 'T'], ['s1', 's1', 's1', 's2']), 'group,cell_type,count,proportion\ns1,B,1,0.3333333333333333\ns1,T,2,0.6666666666666666\ns2,T,1,1.0\n');
  });
});
