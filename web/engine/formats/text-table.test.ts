// scanpy's text-table layout rules on small tables (in memory): header and row-name detection,
// comments, whitespace vs comma splitting, quotes, the gene-by-cell transpose (markers, Ensembl
// rows, --transpose-input), the raw-count warning, and chunks equal to the table's values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesSource } from './byte-source.ts';
import type { CountsReader } from './counts-reader.ts';
import { memorySpill } from './spill.ts';
import { readTextTable } from './text-table.ts';

const table = (name: string, s: string, transpose_input = false) => readTextTable(bytesSource(new TextEncoder().encode(s), name), { spill: memorySpill, transpose_input });

function dense(r: CountsReader): number[][] {
  const c = r.readRows('X', 0, r.summary.n_obs);
  return Array.from({ length: c.n_rows }, (_, i) => {
    const row = new Array(c.n_cols).fill(0);
    for (let k = c.indptr[i]; k < c.indptr[i + 1]; k++) row[c.indices[k]] = c.data[k];
    return row;
  });
}

describe('text tables', () => {
  it('CSV with a header row and row names; quotes stripped from names', async () => {
    const r = await table('t.csv', '"",CD3E,"LYZ",MS4A1\n"c1",1,0,2\nc2,0,0,0\nc3,5,1,0\n');
    assert.deepEqual(r.obsNames(), ['c1', 'c2', 'c3']);
    assert.deepEqual(r.varNames(), ['CD3E', 'LYZ', 'MS4A1']);
    assert.deepEqual(dense(r), [[1, 0, 2], [0, 0, 0], [5, 1, 0]]);
    assert.equal(r.format.orientation, 'cells × genes');
    assert.deepEqual(r.format.warnings, []);
  });
  it('whitespace-separated .txt with a header of genes only, comments before it', async () => {
    const r = await table('t.txt', '# made by hand\nCD3E  LYZ\tMS4A1\nc1 1 0 2\nc2\t3 3 3\n');
    assert.deepEqual(r.varNames(), ['CD3E', 'LYZ', 'MS4A1']);
    assert.deepEqual(dense(r), [[1, 0, 2], [3, 3, 3]]);
  });
  it('no header: column names from the last comment, or numbers', async () => {
    assert.deepEqual((await table('t.tsv', '# A B\n1 2\n3 4\n')).varNames(), ['A', 'B']);
    const r = await table('t.tsv', '1 2\n3 4\n');
    assert.deepEqual(r.varNames(), ['0', '1']);
    assert.deepEqual(r.obsNames(), ['0', '1']);
  });
  it('gene-by-cell: transposed by CellTypist’s markers rule, by Ensembl row names, or by --transpose-input', async () => {
    const markers = await table('g.tsv', 'c1 c2\nGAPDH 1 2\nCD3E 0 7\n');
    assert.equal(markers.format.orientation, 'genes × cells');
    assert.deepEqual(markers.obsNames(), ['c1', 'c2']);
    assert.deepEqual(markers.varNames(), ['GAPDH', 'CD3E']);
    assert.deepEqual(dense(markers), [[1, 0], [2, 7]]);
    const ens = await table('g.tsv', 'c1 c2 c3\nENSG00000111640 1 2 0\nENSG00000167286 0 7 1\n');
    assert.deepEqual(ens.obsNames(), ['c1', 'c2', 'c3']);
    assert.match(ens.format.warnings[0], /its row names are Ensembl gene IDs/);
    const forced = await table('g.tsv', 'c1 c2\nCD3E 1 2\nLYZ 0 7\n', true);
    assert.deepEqual(forced.obsNames(), ['c1', 'c2']);
    assert.deepEqual(forced.format.warnings, []);
  });
  it('warns when the first 1,000 cells’ largest value is not an integer, as CellTypist', async () => {
    const r = await table('t.csv', ',A,B\nc1,0.5,2.25\nc2,1,0\n');
    assert.match(r.format.warnings.join(' '), /not a raw count matrix/);
    assert.deepEqual((await table('t.csv', ',A,B\nc1,0.5,3\n')).format.warnings, [], 'only the maximum is checked, as CellTypist');
  });
  it('reads chunks in any order (rewinds), with exponents and decimals', async () => {
    const r = await table('t.csv', ',A,B\nc1,1e2,0\nc2,0,2.5\nc3,3,0\n');
    assert.deepEqual(Array.from(r.readRows('X', 2, 3).data), [3]);
    assert.deepEqual(Array.from(r.readRows('X', 0, 2).data), [100, 2.5]);
  });
});
