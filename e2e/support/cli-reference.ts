/**
 * The CLI's files for query_1k (toy_lr, probability match + majority voting over given_clusters,
 * the annotated .h5ad with a UMAP): the reference the browsers' downloads are compared with.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoPath, sharedPath } from '../../web/engine/testing/fixtures.ts';

export const INPUT_1K = sharedPath('fixtures/synthetic/query_1k.h5ad');
export const MODEL_TOY = sharedPath('fixtures/models/toy_lr.pkl');
export const EXPECTED_1K = sharedPath('fixtures/expected/toy_lr__query_1k/prob_match_p0.5_majority_voting_given_minprop0.6/predicted_labels.csv');

/** Runs the CLI as the page is set up (--normalize: the page's default); its output folder. */
export function cliReference(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ctw-e2e-cli-'));
  const r = spawnSync(
    process.execPath,
    [repoPath('web/cli/bin.mjs'), 'annotate', '-i', INPUT_1K, '-m', MODEL_TOY, '-o', dir, '--mode', 'prob_match', '--majority-voting', '--over-clustering', 'given_clusters', '--min-prop', '0.6', '--normalize', '--write-h5ad', '--umap', '--quiet'],
    { encoding: 'utf8', env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } },
  );
  assert.equal(r.status, 0, r.stderr);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The app's annotated .h5ad against the CLI's: every dataset equal (h5py; the UMAP the page
 * computed included), but the export date; and the same size. The app does not write the Cell
 * Ontology columns yet (issue 28): where it lacks them, they are left out of the comparison and the
 * size is not compared (returns which).
 */
export function compareH5ad(app: string, cli: string, label: string): { sameSize: boolean; ontology: boolean } {
  const py = spawnSync(
    '/usr/bin/python3',
    [
      '-c',
      `import sys, json, h5py, numpy as np
a, b = h5py.File(sys.argv[1], 'r'), h5py.File(sys.argv[2], 'r')
def walk(f):
    out = {}
    f.visititems(lambda n, o: out.__setitem__(n, o))
    return out
A, B = walk(a), walk(b)
ont = [k for k in B if k.endswith('_ontology_term_id')]
has_ont = all(k in A for k in ont)
skip = {'uns/celltypist/date'} | (set() if has_ont else set(ont))
diffs = []
for k in sorted(set(A) | set(B)):
    if k in skip: continue
    x, y = A.get(k), B.get(k)
    if x is None or y is None: diffs.append(f'{k}: only in the {"CLI" if x is None else "app"} file'); continue
    if isinstance(x, h5py.Dataset) != isinstance(y, h5py.Dataset): diffs.append(f'{k}: group vs dataset'); continue
    if isinstance(x, h5py.Dataset):
        if x.shape != y.shape or x.dtype != y.dtype: diffs.append(f'{k}: {x.shape} {x.dtype} vs {y.shape} {y.dtype}')
        elif not np.array_equal(np.asarray(x[()]), np.asarray(y[()])): diffs.append(f'{k}: values differ')
    if dict(x.attrs) .keys() != dict(y.attrs).keys(): diffs.append(f'{k}: attributes differ')
print(json.dumps({'ontology': has_ont, 'diffs': diffs}))`,
      app,
      cli,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(py.status, 0, py.stderr);
  const r = JSON.parse(py.stdout) as { ontology: boolean; diffs: string[] };
  const keep = () => {
    copyFileSync(app, repoPath(`e2e/out/${label}-app.h5ad`));
    copyFileSync(cli, repoPath(`e2e/out/${label}-cli.h5ad`));
  };
  if (r.diffs.length) keep();
  assert.deepEqual(r.diffs, [], `${label}: the .h5ad differs from the CLI's (both kept in e2e/out)`);
  const sameSize = statSync(app).size === statSync(cli).size;
  if (r.ontology && !sameSize) keep();
  if (r.ontology) assert.ok(sameSize, `${label}: the .h5ad has ${statSync(app).size} bytes, the CLI's ${statSync(cli).size} (both kept in e2e/out)`);
  return { sameSize, ontology: r.ontology };
}
