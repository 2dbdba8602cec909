// The pickle writer: reader -> writer -> reader is exact on every fixture model, and a written
// model loads in Debian's scikit-learn (pickle.load) and predicts like we do.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadModel } from '../annotate.ts';
import { annotate } from '../node.ts';
import { sharedPath } from '../testing/fixtures.ts';
import { loadCore } from '../wasm/load.ts';
import { modelDataOf, writeModelPickle } from './pickle-writer.ts';

const MODELS = ['toy_lr', 'toy_lr_fs', 'toy_sgd', 'toy_binary', 'toy_lr_numpy2', 'pbmc68k_bulk'];

describe('model pickle writer', () => {
  for (const name of MODELS) {
    it(`round trip is exact: ${name}`, async () => {
      const { core } = await loadCore({ variant: 'simd' });
      const a = loadModel(core, readFileSync(sharedPath(`fixtures/models/${name}.pkl`)));
      const data = modelDataOf(a);
      const b = loadModel(core, writeModelPickle(data));
      try {
        assert.deepEqual(modelDataOf(b), data);
        assert.equal(b.estimator(), a.estimator());
      } finally {
        a.delete();
        b.delete();
      }
    });
  }

  it('written models load in scikit-learn and predict like us', async (t) => {
    const py = spawnSync('/usr/bin/python3', ['-c', 'import sklearn, anndata'], { encoding: 'utf8' });
    if (py.status !== 0) return t.skip('python3-sklearn / python3-anndata not installed');
    const { core } = await loadCore({ variant: 'simd' });
    const dir = mkdtempSync(path.join(tmpdir(), 'ctw-pkl-'));
    for (const name of ['toy_lr', 'toy_sgd', 'toy_binary']) {
      const m = loadModel(core, readFileSync(sharedPath(`fixtures/models/${name}.pkl`)));
      const file = path.join(dir, `${name}.pkl`);
      writeFileSync(file, writeModelPickle(modelDataOf(m)));
      m.delete();
      const ours = await annotate(sharedPath('fixtures/synthetic/query_1k.h5ad'), file, { variant: 'simd' });
      const script = `
import pickle, sys, numpy as np, anndata
m = pickle.load(open(sys.argv[1], 'rb'))
clf, sc = m['Model'], m['Scaler_']
a = anndata.read_h5ad(sys.argv[2])
keep = np.isin(a.var_names, clf.features)
X = a[:, keep].X.toarray()
order = [list(a.var_names[keep]).index(g) for g in clf.features if g in set(a.var_names[keep])]
feats = [g for g in clf.features if g in set(a.var_names[keep])]
idx = [list(clf.features).index(g) for g in feats]
Xs = (X[:, order] - sc.mean_[idx]) / sc.scale_[idx]
Xs[Xs > 10] = 10
d = Xs @ clf.coef_[:, idx].T + clf.intercept_
print(type(clf).__name__, clf.predict.__self__ is clf, d.shape[1])
np.savetxt(sys.stdout, d[:50], fmt='%.17g')
`;
      // sklearn's own API on data with every model gene (the training file): predict() labels.
      const full = await annotate(sharedPath('fixtures/synthetic/train_2k.h5ad'), file, { variant: 'simd' });
      const own = spawnSync(
        '/usr/bin/python3',
        ['-c', `
import pickle, sys, numpy as np, anndata
m = pickle.load(open(sys.argv[1], 'rb'))
a = anndata.read_h5ad(sys.argv[2])
X = m['Scaler_'].transform(a[:, m['Model'].features].X.toarray())
X[X > 10] = 10
print('\\n'.join(m['Model'].predict(X)))
`, file, sharedPath('fixtures/synthetic/train_2k.h5ad')],
        { encoding: 'utf8' },
      );
      assert.equal(own.status, 0, own.stderr);
      assert.deepEqual(own.stdout.trim().split('\n'), full.predicted_labels, `${name}: sklearn predict() differs`);
      const r = spawnSync('/usr/bin/python3', ['-c', script, file, sharedPath('fixtures/synthetic/query_1k.h5ad')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.match(lines[0], name === 'toy_sgd' ? /^SGDClassifier True/ : /^LogisticRegression True/);
      const cols = Number(lines[0].split(' ')[2]);
      const L = ours.labels.length;
      for (let i = 0; i < 50; i++) {
        const row = lines[1 + i].split(' ').map(Number);
        for (let k = 0; k < cols; k++) {
          const want = L === 2 ? (k === 0 ? ours.decision_matrix![i * 2 + 1] : 0) : ours.decision_matrix![i * L + k];
          assert.ok(Math.abs(row[k] - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${name} cell ${i} class ${k}: ${row[k]} vs ${want}`);
        }
      }
    }
  });
});
