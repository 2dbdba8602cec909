// "Why this label" through the wasm core: each explained cell's label and decision score are
// CellTypist's (fixture decision matrices), and its top genes are ranked contributions.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadModel } from '../annotate.ts';
import { openH5adPath } from '../h5ad/open-node.ts';
import { readCsv, sharedPath, column, numeric } from '../testing/fixtures.ts';
import { loadCore } from '../wasm/load.ts';
import { CellExplainer } from './explain.ts';

async function check(input: string, model: string, expected: string) {
  const { core } = await loadCore({ variant: 'simd' });
  const m = loadModel(core, readFileSync(sharedPath(model)));
  const reader = await openH5adPath(sharedPath(input));
  const e = new CellExplainer(core, reader, m, { top_n: 8 });
  try {
    const pl = readCsv(sharedPath(`${expected}/predicted_labels.csv`));
    const dm = readCsv(sharedPath(`${expected}/decision_matrix.csv`));
    const d = numeric(dm);
    const L = dm.header.length;
    for (const cell of [0, 1, 2, 50, 99]) {
      const x = e.explain(cell);
      assert.equal(x.label, column(pl, 'predicted_labels')[cell]);
      const want = d[cell * L + dm.header.indexOf(x.label)];
      assert.ok(Math.abs(x.decision - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${x.decision} vs ${want}`);
      assert.equal(x.genes.length, 8);
      for (let k = 0; k < x.genes.length; k++) {
        const g = x.genes[k];
        assert.ok(Math.abs(g.contribution - g.coef * g.scaled) < 1e-12);
        if (k) assert.ok(x.genes[k - 1].contribution >= g.contribution);
      }
    }
    assert.throws(() => e.explain(1e9), /no cell 1000000000/);
  } finally {
    e.delete();
    reader.close();
    m.delete();
  }
}

describe('why this label (CellExplainer)', () => {
  it("explains query_1k cells with toy_lr: CellTypist's labels and decision scores", () =>
    check('fixtures/synthetic/query_1k.h5ad', 'fixtures/models/toy_lr.pkl', 'fixtures/expected/toy_lr__query_1k/best_match'));
  it('reads raw/X like annotation when X is scaled (pbmc68k)', () =>
    check('fixtures/real/pbmc68k_reduced.h5ad', 'fixtures/models/pbmc68k_bulk.pkl', 'fixtures/real/expected/pbmc68k_bulk__pbmc68k_reduced/best_match'));
});
