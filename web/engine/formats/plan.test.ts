// Which reader an input needs, from names: single files, a .mtx with names, Cell Ranger trios.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planInput } from './plan.ts';

const files = (...names: string[]) => names.map((name) => ({ name }));

describe('planInput', () => {
  it('single files by extension; unknown ones go to the HDF5 check (which names what they are)', () => {
    assert.equal(planInput(files('a.h5ad')).kind, 'hdf5');
    assert.equal(planInput(files('filtered_feature_bc_matrix.h5')).kind, 'hdf5');
    for (const n of ['a.csv', 'a.tsv.gz', 'a.TXT', 'a.tab']) assert.equal(planInput(files(n)).kind, 'table');
    assert.equal(planInput(files('model.pkl')).kind, 'hdf5');
  });
  it('Cell Ranger v3 and v2 trios, in any order, among other files', () => {
    const v3 = planInput(files('x/barcodes.tsv.gz', 'x/matrix.mtx.gz', 'x/features.tsv.gz', 'x/web_summary.html'));
    assert.deepEqual(v3, { kind: 'mtx', matrix: { name: 'x/matrix.mtx.gz' }, genes: { name: 'x/features.tsv.gz' }, cells: { name: 'x/barcodes.tsv.gz' }, cellranger: 'v3' });
    assert.equal((planInput(files('genes.tsv', 'barcodes.tsv', 'matrix.mtx')) as { cellranger?: string }).cellranger, 'v2');
  });
  it('a .mtx with gene and cell files, named or recognized', () => {
    const p = planInput(files('data.mtx'), { geneFile: { name: 'g.txt' }, cellFile: { name: 'c.txt' } });
    assert.deepEqual(p, { kind: 'mtx', matrix: { name: 'data.mtx' }, genes: { name: 'g.txt' }, cells: { name: 'c.txt' } });
    const q = planInput(files('q_cells_by_genes.mtx', 'q_cells.tsv', 'q_genes.tsv')) as { genes: { name: string }; cells: { name: string } };
    assert.equal(q.genes.name, 'q_genes.tsv');
    assert.equal(q.cells.name, 'q_cells.tsv');
  });
  it('refuses what cannot be read with a clear message', () => {
    assert.throws(() => planInput(files('data.mtx')), /needs a gene file and a cell file/);
    assert.throws(() => planInput(files('data.mtx'), { geneFile: { name: 'g' } }), /needs both a gene file and a cell file/);
    assert.throws(() => planInput(files('a.csv', 'b.h5ad')), /several data files were given \(a\.csv, b\.h5ad\)/);
    assert.throws(() => planInput([]), /no input file/);
  });
});
