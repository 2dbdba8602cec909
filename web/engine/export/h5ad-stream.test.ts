// The streaming annotated-h5ad writer: files open in Python anndata (Debian's python3-anndata) with
// the expected obs/obsm/uns, carry the same annotations as the in-place writer (addAnnotations on a
// copy), keep X/layers/obs/var of the input, and fail or cancel without leaving a file behind.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { annotate } from '../node.ts';
import { FIXTURE_CASES, sharedPath } from '../testing/fixtures.ts';
import type { AnnotationResult } from '../types.ts';
import { ENGINE_VERSION } from '../version.ts';
import { addAnnotations } from './h5ad.ts';
import { writeAnnotatedFile, writeAnnotatedH5adFile } from './h5ad-node.ts';
import { scoresFromResult } from './scores.ts';

const PY = '/usr/bin/python3';
const hasAnndata = spawnSync(PY, ['-c', 'import anndata'], { encoding: 'utf8' }).status === 0;

/** Runs a Python script with anndata; returns its stdout (asserting success). */
function python(script: string, ...args: string[]): string {
  const r = spawnSync(PY, ['-c', script, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// Compares a streamed file with the in-place writer's output and with the input.
const COMPARE = `
import sys, numpy as np, anndata as ad, scipy.sparse as sp
new, old, inp = (ad.read_h5ad(p) for p in sys.argv[1:4])
dense = lambda m: m.toarray() if sp.issparse(m) else np.asarray(m)
for c in ['predicted_labels', 'over_clustering', 'majority_voting', 'conf_score']:
    assert (c in new.obs) == (c in old.obs), c
    if c in old.obs: assert list(new.obs[c]) == list(old.obs[c]), c
assert np.array_equal(new.obsm['probability_matrix'], old.obsm['probability_matrix'])
assert list(new.uns['celltypist_labels']) == list(old.uns['celltypist_labels'])
assert np.array_equal(dense(new.X), dense(inp.X)) and new.X.dtype == inp.X.dtype
for k in inp.layers: assert np.array_equal(dense(new.layers[k]), dense(inp.layers[k])), k
assert list(new.obs_names) == list(inp.obs_names) and list(new.var_names) == list(inp.var_names)
for c in inp.obs.columns: assert [str(v) for v in new.obs[c]] == [str(v) for v in inp.obs[c]], c
print(new.shape, sorted(new.obsm.keys()), new.uns['celltypist']['engine_version'])
`;

function inPlace(input: string): string {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'ctw-old-')), 'old.h5ad');
  copyFileSync(input, out);
  return out;
}

describe('streaming annotated h5ad writer', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ctw-stream-'));
  const cases = FIXTURE_CASES.filter((c) => c.input.includes('query_1k') && !c.name.includes('auto'));
  const results = new Map<string, AnnotationResult>();
  before(async () => {
    for (const c of cases) {
      results.set(c.name, await annotate(sharedPath(c.input), sharedPath(c.model), { variant: 'simd', mode: c.mode, majority_voting: c.over_clustering !== undefined, over_clustering: c.over_clustering, min_prop: c.min_prop }));
    }
  });

  it('ENGINE_VERSION is the package version', () => {
    assert.equal(ENGINE_VERSION, JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../package.json'), 'utf8')).version);
  });

  for (const c of FIXTURE_CASES.filter((k) => k.input.includes('query_1k') && !k.name.includes('auto'))) {
    it(`${c.name}: equals the in-place writer's annotations and keeps the input`, async (t) => {
      const r = results.get(c.name)!;
      const input = sharedPath(c.input);
      const out = path.join(dir, `${c.name.replace(/\W+/g, '_')}.h5ad`);
      // Small chunks: several score chunks and slices per dataset.
      const w = await writeAnnotatedFile(input, out, r, { model: sharedPath(c.model), options: { mode: c.mode }, slice_bytes: 100_000, chunk_rows: 333 });
      assert.deepEqual(w.warnings, []);
      const old = inPlace(input);
      const h5 = (await import('h5wasm/node')).default;
      await h5.ready;
      addAnnotations(h5 as never, old, r, { probabilities: true });
      if (!hasAnndata) return t.skip('python3-anndata is not installed (apt-get install python3-anndata)');
      const got = python(COMPARE, out, old, input);
      assert.equal(got, `(1000, 1550) ['probability_matrix'] ${ENGINE_VERSION}`);
    });
  }

  it('records the provenance (model, sha256, options) in uns["celltypist"]', async (t) => {
    if (!hasAnndata) return t.skip('python3-anndata is not installed');
    const r = results.get('toy_lr vote 0.6')!;
    const out = path.join(dir, 'prov.h5ad');
    const model = sharedPath('fixtures/models/toy_lr.pkl');
    await writeAnnotatedFile(sharedPath(FIXTURE_CASES[0].input), out, r, { model, options: { majority_voting: true, over_clustering: 'given_clusters', min_prop: 0.6 } });
    const sha = (await import('node:crypto')).createHash('sha256').update(readFileSync(model)).digest('hex');
    const got = JSON.parse(python(`import sys, json, anndata as ad; u = ad.read_h5ad(sys.argv[1]).uns['celltypist']; o = u['options']
print(json.dumps([str(u['model']), str(u['model_sha256']), str(u['engine']), str(o['over_clustering']), float(o['min_prop']), int(o['majority_voting']), str(o['mode'])]))`, out));
    assert.deepEqual(got, ['toy_lr.pkl', sha, 'celltypist-wasm', 'given_clusters', 0.6, 1, 'best_match']);
  });

  it('the light file holds only the annotations (obs + obsm + uns) and opens as cells × 0 genes', async (t) => {
    const r = results.get('toy_lr vote 0.6')!;
    const out = path.join(dir, 'light.h5ad');
    await writeAnnotatedFile(sharedPath(FIXTURE_CASES[0].input), out, r, { model: sharedPath('fixtures/models/toy_lr.pkl'), options: {}, light: true });
    if (!hasAnndata) return t.skip('python3-anndata is not installed');
    const got = python(`import sys, anndata as ad; a = ad.read_h5ad(sys.argv[1]); print(a.shape, a.X is None, len(a.layers), a.obsm['probability_matrix'].shape, list(a.obs.columns)[-6:], a.obs['majority_voting'].value_counts()['Heterogeneous'])`, out);
    // toy_lr's B cells, Classical monocytes and NK cells are encyclopedia names: term ID columns follow.
    assert.equal(got, "(1000, 0) True 0 (1000, 6) ['predicted_labels', 'over_clustering', 'majority_voting', 'conf_score', 'predicted_labels_ontology_term_id', 'majority_voting_ontology_term_id'] 185");
  });

  it('an annotated file annotated again gets its CellTypist columns replaced', async (t) => {
    const r = results.get('toy_lr best')!;
    const first = path.join(dir, 'first.h5ad');
    const second = path.join(dir, 'second.h5ad');
    const opts = { model: sharedPath('fixtures/models/toy_lr.pkl'), options: {} };
    await writeAnnotatedFile(sharedPath(FIXTURE_CASES[0].input), first, results.get('toy_lr vote 0.6')!, opts);
    await writeAnnotatedFile(first, second, r, opts);
    if (!hasAnndata) return t.skip('python3-anndata is not installed');
    const got = python(`import sys, anndata as ad; a = ad.read_h5ad(sys.argv[1]); print(list(a.obs.columns)[-3:], 'majority_voting' in a.obs, 'majority_voting_ontology_term_id' in a.obs, list(a.obs['predicted_labels']) == sys.argv[2].split('|'))`, second, r.predicted_labels.join('|'));
    assert.equal(got, "['predicted_labels', 'conf_score', 'predicted_labels_ontology_term_id'] False False True");
  });

  it('a cancelled or failed write leaves no file behind', async () => {
    const r = results.get('toy_lr best')!;
    const out = path.join(dir, 'cancelled.h5ad');
    const ac = new AbortController();
    ac.abort();
    const prov = { model: 'm', model_version: '', model_sha256: '', options: {} };
    await assert.rejects(writeAnnotatedH5adFile(sharedPath(FIXTURE_CASES[0].input), out, r, scoresFromResult(r), prov, { signal: ac.signal }), /export cancelled/);
    assert.equal(existsSync(out) || existsSync(`${out}.partial`), false);
    const bad = { ...r, conf_score: r.conf_score.subarray(0, 10) };
    await assert.rejects(writeAnnotatedH5adFile(sharedPath(FIXTURE_CASES[0].input), out, bad, null, prov), /conf_score has 10 values for 1000 cells/);
    assert.equal(existsSync(out) || existsSync(`${out}.partial`), false);
  });

  it('legacy-encoded inputs get one clear message', async () => {
    const r = results.get('toy_lr best')!;
    const prov = { model: 'm', model_version: '', model_sha256: '', options: {} };
    await assert.rejects(writeAnnotatedH5adFile(sharedPath('fixtures/real/pbmc68k_reduced.h5ad'), path.join(dir, 'legacy.h5ad'), r, null, prov), /old \(anndata < 0\.8\) encoding.*re-save/);
  });
});

describe('streamed copy of int64 datasets', () => {
  it('copies an int64 indptr larger than a slice (1M-cell files) exactly', async () => {
    const { writeTestH5ad } = await import('../testing/write-h5ad.ts');
    const { openH5adPath } = await import('../h5ad/open-node.ts');
    const n = 300;
    const indptr = [0];
    const data: number[] = [];
    const indices: number[] = [];
    for (let r = 0; r < n; r++) {
      for (let j = r % 3; j < 7; j += 2) (data.push(r + j / 8), indices.push(j));
      indptr.push(data.length);
    }
    const cells = Array.from({ length: n }, (_, i) => `c${i}`);
    const input = await writeTestH5ad('int64.h5ad', { data: Float32Array.from(data), indices: Int32Array.from(indices), indptr, n_cols: 7 }, cells, ['g0', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6']);
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'ctw-int64-')), 'out.h5ad');
    // 301 int64 row pointers = 2,408 bytes, streamed in slices of 1,000 bytes.
    const ann = { cell_ids: cells, labels: ['a'], predicted_labels: cells.map(() => 'a'), conf_score: new Float64Array(n) };
    await writeAnnotatedH5adFile(input, out, ann, null, { model: 'm.pkl', model_sha256: '', model_version: '', options: {} } as never, { slice_bytes: 1000 });
    const [a, b] = [await openH5adPath(input), await openH5adPath(out)];
    const x = a.readRows('X', 0, n);
    const y = b.readRows('X', 0, n);
    assert.deepEqual([...y.indptr], [...x.indptr]);
    assert.deepEqual(y.data, x.data);
    assert.deepEqual(y.indices, x.indices);
    a.close();
    b.close();
  });
});
