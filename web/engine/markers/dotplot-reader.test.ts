// Dotplot values against scanpy's (../shared/fixtures/expected/toy_lr__query_1k/dotplot_predicted_labels),
// the standard_scale variants against a direct dense recomputation, and the error paths.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { openH5adPath } from '../h5ad/open-node.ts';
import { CellTypistError } from '../types.ts';
import { column, readCsv, sharedPath } from '../testing/fixtures.ts';
import { scale } from './dotplot.ts';
import { dotplotReader } from './dotplot-reader.ts';
import { groupsFromLabels, groupsFromNumbers } from './groups.ts';
import { markerGenes } from './top-markers.ts';
import { modelInfo } from '../node.ts';

const DIR = sharedPath('fixtures/expected/toy_lr__query_1k/dotplot_predicted_labels');
const QUERY = sharedPath('fixtures/synthetic/query_1k.h5ad');
const LABELS = column(readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/best_match/predicted_labels.csv')), 'predicted_labels');

function expected(): { group: string; gene: string; fraction: number; mean: number }[] {
  const lines = readFileSync(`${DIR}/expected_dotplot.csv`, 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [group, gene, f, m] = l.split(',');
    return { group, gene, fraction: Number(f), mean: Number(m) };
  });
}

describe('dotplot values (scanpy 1.10 semantics)', () => {
  const genes = readFileSync(`${DIR}/genes.txt`, 'utf8').trim().split(',');

  it("equal scanpy's dotplot on the fixture (fraction 1e-9, scaled mean 1e-6)", async () => {
    const reader = await openH5adPath(QUERY);
    try {
      const d = dotplotReader(reader, { labels: LABELS, genes, standard_scale: 'var' });
      const want = expected();
      assert.equal(d.groups.length * d.genes.length, want.length);
      assert.deepEqual(d.genes, genes);
      let k = 0;
      d.groups.forEach((g, i) =>
        d.genes.forEach((gene, j) => {
          const w = want[k++];
          assert.equal(g, w.group);
          assert.equal(gene, w.gene);
          assert.ok(Math.abs(d.fraction[i * genes.length + j] - w.fraction) <= 1e-9, `${g}/${gene} fraction`);
          assert.ok(Math.abs(d.scaled_mean[i * genes.length + j] - w.mean) <= 1e-6, `${g}/${gene} mean ${d.scaled_mean[i * genes.length + j]} vs ${w.mean}`);
        }),
      );
      assert.deepEqual(d.warnings, []);
    } finally {
      reader.close();
    }
  });

  it("the fixture's genes are the model's top-2 markers per type (extract_top_markers) found in the data", async () => {
    const info = await modelInfo(sharedPath('fixtures/models/toy_lr.pkl'), 2);
    const reader = await openH5adPath(QUERY);
    const inData = new Set(reader.varNames());
    reader.close();
    const all = markerGenes(info.labels, info.markers!, new Set(LABELS)).genes;
    assert.equal(all.length, 12);
    assert.deepEqual(all.filter((g) => inData.has(g)), genes);
  });

  it('scales per group and not at all, as pandas (constant lines become 0)', () => {
    const m = Float64Array.from([1, 2, 3, 5, 5, 5]); // 2 groups × 3 genes
    assert.deepEqual(Array.from(scale(m, 2, 3, 'group')), [0, 0.5, 1, 0, 0, 0]);
    assert.deepEqual(Array.from(scale(m, 2, 3, 'var')), [0, 0, 0, 1, 1, 1]);
    assert.deepEqual(Array.from(scale(m, 2, 3, 'none')), [1, 2, 3, 5, 5, 5]);
  });

  it('unscaled means and fractions equal a dense recomputation from the rows', async () => {
    const reader = await openH5adPath(QUERY);
    try {
      const d = dotplotReader(reader, { groupby: 'sample', genes: ['CD3D', 'LYZ'], standard_scale: 'none', chunk_rows: 97 });
      assert.deepEqual(d.groups, ['S1', 'S2', 'S3']);
      const names = reader.varNames();
      const cols = ['CD3D', 'LYZ'].map((g) => names.indexOf(g));
      const sample = reader.readObsColumn('sample') as string[];
      const chunk = reader.readRows('X', 0, reader.summary.n_obs);
      const sum = new Float64Array(6);
      const pos = new Float64Array(6);
      const size = new Float64Array(3);
      for (let r = 0; r < chunk.n_rows; r++) {
        const g = d.groups.indexOf(sample[r]);
        size[g]++;
        for (let k = chunk.indptr[r]; k < chunk.indptr[r + 1]; k++) {
          const j = cols.indexOf(chunk.indices[k]);
          if (j < 0) continue;
          sum[g * 2 + j] += chunk.data[k];
          if (chunk.data[k] > 0) pos[g * 2 + j]++;
        }
      }
      for (let i = 0; i < 6; i++) {
        assert.ok(Math.abs(d.mean[i] - sum[i] / size[Math.floor(i / 2)]) < 1e-12);
        assert.equal(d.scaled_mean[i], d.mean[i]);
        assert.equal(d.fraction[i], pos[i] / size[Math.floor(i / 2)]);
      }
      assert.deepEqual(d.group_sizes, Array.from(size));
    } finally {
      reader.close();
    }
  });
});

describe('dotplot groups and errors', () => {
  it('orders categorical groups by their categories and drops unused ones', () => {
    const g = groupsFromLabels(['b', 'a', 'c', 'b'], ['c', 'x', 'b', 'a']);
    assert.deepEqual(g.names, ['c', 'b', 'a']);
    assert.deepEqual(Array.from(g.codes), [1, 2, 0, 1]);
    assert.deepEqual(Array.from(g.sizes), [1, 2, 1]);
  });

  it('sorts a non-categorical column; numeric columns sort numerically', () => {
    assert.deepEqual(groupsFromLabels(['T', 'B', 'T']).names, ['B', 'T']);
    assert.deepEqual(groupsFromNumbers('leiden', Float64Array.from([10, 2, 1, 2])).names, ['1', '2', '10']);
  });

  it('names the unknown genes and plots the rest', async () => {
    const reader = await openH5adPath(QUERY);
    try {
      const d = dotplotReader(reader, { groupby: 'cell_type', genes: ['CD3D', 'NOPE1', 'cd8a', 'LYZ'] });
      assert.deepEqual(d.genes, ['CD3D', 'LYZ']);
      assert.deepEqual(d.missing_genes, ['NOPE1', 'cd8a']);
      assert.match(d.warnings[0], /genes not found in the data: NOPE1, cd8a \(did you mean CD8A\?/);
      assert.match(d.warnings[0], /plotted the other 2/);
    } finally {
      reader.close();
    }
  });

  it('refuses a missing column, a continuous numeric column and no known gene, each with one clear message', async () => {
    const reader = await openH5adPath(QUERY);
    try {
      const err = (f: () => unknown, code: string, re: RegExp) =>
        assert.throws(f, (e: unknown) => e instanceof CellTypistError && e.code === code && re.test(e.message));
      err(() => dotplotReader(reader, { groupby: 'nope', genes: ['CD3D'] }), 'no_column', /obs has no column 'nope'.*Columns: .*cell_type/);
      err(() => dotplotReader(reader, { groupby: 'n_counts', genes: ['CD3D'] }), 'too_many_groups', /'n_counts' is numeric with [\d,]+ distinct values/);
      err(() => dotplotReader(reader, { groupby: 'cell_type', genes: ['NOPE1', 'NOPE2'] }), 'no_genes', /none of the genes is in the data: genes not found in the data: NOPE1, NOPE2/);
    } finally {
      reader.close();
    }
  });
});
