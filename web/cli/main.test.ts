// The CLI end to end: spawn it like a user would and compare its files with CellTypist's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURE_CASES, column, maxDelta, numeric, parseCsv, readCsv, repoPath, sharedPath } from '../engine/testing/fixtures.ts';

const BIN = repoPath('web/cli/bin.mjs');

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
}

describe('celltypist-wasm annotate (CLI) parity with CellTypist', () => {
  for (const c of FIXTURE_CASES) {
    it(c.name, () => {
      const out = mkdtempSync(path.join(tmpdir(), 'ctw-cli-'));
      const args = ['annotate', '-i', sharedPath(c.input), '-m', sharedPath(c.model), '-o', out, '--mode', c.mode, '--quiet', '--variant', 'simd'];
      if (c.over_clustering) args.push('--majority-voting', '--over-clustering', c.over_clustering, '--min-prop', String(c.min_prop ?? 0));
      const r = cli(args);
      assert.equal(r.status, 0, r.stderr);
      const dir = sharedPath(c.expected);
      const got = readCsv(path.join(out, 'predicted_labels.csv'));
      const want = readCsv(`${dir}/predicted_labels.csv`);
      // Automatic over-clustering runs are checked here for their labels only.
      if (!c.expected.endsWith('majority_voting_auto')) assert.deepEqual(got.header, want.header);
      assert.deepEqual(got.index, want.index);
      assert.deepEqual(column(got, 'predicted_labels'), column(want, 'predicted_labels'));
      if (c.over_clustering) assert.deepEqual(column(got, 'majority_voting'), column(want, 'majority_voting'));
      for (const m of ['decision_matrix.csv', 'probability_matrix.csv']) {
        const g = parseCsv(readFileSync(path.join(out, m), 'utf8'));
        const w = readCsv(`${dir}/${m}`);
        assert.deepEqual(g.header, w.header);
        const d = maxDelta(numeric(g), numeric(w));
        assert.ok(d.rel <= 1e-4, `${m}: ${d.rel}`);
      }
    });
  }
});

describe('CLI automatic over-clustering', () => {
  it('--majority-voting without --over-clustering over-clusters like CellTypist, and --umap writes a layout', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ctw-cli-'));
    const r = cli(['annotate', '-i', sharedPath('fixtures/synthetic/query_1k.h5ad'), '-m', sharedPath('fixtures/models/toy_lr.pkl'), '-o', out, '--majority-voting', '--umap', '--write-h5ad', '--variant', 'simd']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /automatic over-clustering: \d+ Leiden clusters at resolution 5 from the expression matrix/);
    const got = readCsv(path.join(out, 'predicted_labels.csv'));
    const want = readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/majority_voting_auto/predicted_labels.csv'));
    assert.deepEqual(got.header, want.header);
    const mv = column(got, 'majority_voting');
    const ref = column(want, 'majority_voting');
    const agreement = mv.filter((l, i) => l === ref[i]).length / mv.length;
    assert.ok(agreement >= 0.86, `agreement ${agreement}`);
    const umap = readCsv(path.join(out, 'umap.csv'));
    assert.deepEqual(umap.header, ['UMAP1', 'UMAP2']);
    assert.equal(umap.index.length, 1000);
    assert.ok(numeric(umap).every(Number.isFinite));
    // The computed layout is kept in the annotated .h5ad as obsm['X_umap'].
    const { openH5adPath } = await import('../engine/h5ad/open-node.ts');
    const reader = await openH5adPath(path.join(out, 'annotated.h5ad'));
    const emb = reader.readObsm('X_umap');
    reader.close();
    assert.equal(emb.dims, 2);
    assert.ok(Math.abs(emb.data[0] - numeric(umap)[0]) < 1e-4);
  });
});

describe('CLI train and compare', () => {
  it('train writes a model that annotate uses; compare cross-tabulates two models', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ctw-cli-'));
    const model = path.join(out, 'mine.pkl');
    const t = cli(['train', '-i', sharedPath('fixtures/synthetic/train_2k.h5ad'), '--labels', 'cell_type', '-o', model, '--details', 'trained by the CLI test', '--variant', 'simd']);
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stderr, /trained LogisticRegression on 2,000 cells: 6 cell types, 1,495 genes/);
    const a = cli(['annotate', '-i', sharedPath('fixtures/synthetic/query_1k.h5ad'), '-m', model, '-o', out, '--quiet', '--variant', 'simd']);
    assert.equal(a.status, 0, a.stderr);
    const got = column(readCsv(path.join(out, 'predicted_labels.csv')), 'predicted_labels');
    const want = column(readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/best_match/predicted_labels.csv')), 'predicted_labels');
    assert.ok(got.filter((l, i) => l === want[i]).length >= 0.99 * want.length);
    const show = cli(['models', '--show', model]);
    assert.match(show.stdout, /details: trained by the CLI test/);
    const c = cli(['compare', '-i', sharedPath('fixtures/synthetic/query_1k.h5ad'), '-m', model, '-m', sharedPath('fixtures/models/toy_sgd.pkl'), '--variant', 'simd']);
    assert.equal(c.status, 0, c.stderr);
    const lines = c.stdout.trim().split('\n');
    assert.equal(lines[0], 'mine \\ toy_sgd,B cells,CD4+ T cells,CD8+ T cells,Classical monocytes,NK cells,Platelets');
    const total = lines.slice(1).reduce((s, l) => s + l.split(',').slice(1).map(Number).reduce((x, y) => x + y, 0), 0);
    assert.equal(total, 1000);
    assert.match(c.stderr, /mine vs toy_sgd: same label for [\d,]+ of 1,000 cells/);
  });
  it('train explains a missing label column', () => {
    const r = cli(['train', '-i', sharedPath('fixtures/synthetic/train_2k.h5ad'), '--labels', 'celltype', '-o', '/tmp/x.pkl', '--variant', 'simd']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no obs column 'celltype' with cell-type labels \(columns: .*cell_type/);
  });
});

describe('CLI model utilities', () => {
  it('subset keeps some cell types; convert writes CellTypist\'s converted model', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ctw-cli-'));
    const sub = path.join(out, 'sub.pkl');
    const s = cli(['subset', '-m', sharedPath('fixtures/models/toy_lr.pkl'), '--types', 'B cells,NK cells,Platelets', '-o', sub]);
    assert.equal(s.status, 0, s.stderr);
    assert.match(cli(['models', '--show', sub]).stdout, /3 cell types, 1,495 genes\n(.*\n)*cell types:\n  B cells\n  NK cells\n  Platelets/);
    const bad = cli(['subset', '-m', sharedPath('fixtures/models/toy_lr.pkl'), '--types', 'B cells,Martians,NK cells', '-o', sub]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /no cell type 'Martians'/);
    const conv = path.join(out, 'mouse.pkl');
    const c = cli(['convert', '-m', sharedPath('fixtures/models/pbmc68k_bulk.pkl'), '--gene-map', sharedPath('genes/Ensembl105_Human2Mouse_Genes.csv'), '-o', conv]);
    assert.equal(c.status, 0, c.stderr);
    assert.match(c.stderr, /10 cell types, 765 genes -> 10 cell types, 612 genes/);
    const check = spawnSync('/usr/bin/python3', ['-c', `import pickle,sys,numpy as np
a=pickle.load(open(sys.argv[1],'rb')); b=pickle.load(open(sys.argv[2],'rb'))
print(list(a['Model'].features)==list(b['Model'].features), np.array_equal(a['Model'].coef_, b['Model'].coef_), np.array_equal(a['Scaler_'].mean_, b['Scaler_'].mean_))`, conv, sharedPath('fixtures/real/expected/pbmc68k_bulk_to_mouse__pbmc68k_mouse_genes/converted_model.pkl')], { encoding: 'utf8' });
    if (check.status === 0) assert.equal(check.stdout.trim(), 'True True True');
  });
});

describe('CLI usage and errors', () => {
  it('prints usage and exits 2 without a command', () => {
    const r = cli([]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage:/);
  });
  it("a damaged .h5ad gets one line, without HDF5's own diagnostics", () => {
    const bytes = readFileSync(sharedPath('fixtures/synthetic/query_1k.h5ad'));
    bytes.fill(0x5a, 800, 3800); // inside the object headers; the size stays right
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ctw-cli-')), 'damaged.h5ad');
    writeFileSync(file, bytes);
    const r = cli(['annotate', '-i', file, '-m', sharedPath('fixtures/models/toy_lr.pkl'), '-o', path.dirname(file), '--quiet']);
    assert.equal(r.status, 1);
    assert.doesNotMatch(r.stderr, /HDF5-DIAG|major:|minor:/);
    assert.deepEqual(r.stderr.trim().split('\n'), [r.stderr.trim()]);
    assert.match(r.stderr, /damaged\.h5ad' is damaged: .*export it again/);
  });
  it('prints the usage of a command asked with --help or -h, and exits 0', () => {
    for (const [args, want] of [
      [['annotate', '--help'], /annotate options/],
      [['models', '-h'], /models --show/],
      [['train', '--help'], /train options/],
      [['compare', '--help'], /compare options/],
      [['dotplot', '-h'], /dotplot options/],
    ] as const) {
      const r = cli([...args]);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, want);
      assert.equal(r.stderr, '');
    }
  });

  it('rejects unknown options with usage', () => {
    const r = cli(['annotate', '--bogus']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Unknown option '--bogus'/);
  });
  it('explains raw counts instead of crashing', () => {
    const r = cli(['annotate', '-i', sharedPath('fixtures/models/toy_lr.pkl'), '-m', sharedPath('fixtures/models/toy_lr.pkl'), '--quiet']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /error: .*looks like a Python pickle/);
  });
  it('prefix and prob_match with majority voting', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ctw-cli-'));
    const r = cli(['annotate', '-i', sharedPath('fixtures/synthetic/query_1k.h5ad'), '-m', sharedPath('fixtures/models/toy_lr.pkl'), '-o', out, '--prefix', 'run1_', '--mode', 'prob_match', '--p-thres', '0.5', '--majority-voting', '--over-clustering', 'given_clusters', '--min-prop', '0.6']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /1,346 of 1,495 model genes found/);
    const got = readCsv(path.join(out, 'run1_predicted_labels.csv'));
    const want = readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/prob_match_p0.5_majority_voting_given_minprop0.6/predicted_labels.csv'));
    assert.deepEqual(column(got, 'majority_voting'), column(want, 'majority_voting'));
  });
  it('models --show lists cell types and top markers', () => {
    const r = cli(['models', '--show', sharedPath('fixtures/models/toy_lr.pkl'), '--top', '3']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /LogisticRegression, 6 cell types, 1,495 genes/);
    assert.match(r.stdout, /  B cells: \w+, \w+, \w+/);
  });
});

describe('annotated h5ad export (--write-h5ad)', () => {
  it('adds CellTypist columns that our reader and Python anndata read back', async (t) => {
    const out = mkdtempSync(path.join(tmpdir(), 'ctw-cli-'));
    const r = cli(['annotate', '-i', sharedPath('fixtures/synthetic/query_1k.h5ad'), '-m', sharedPath('fixtures/models/toy_lr.pkl'), '-o', out, '--majority-voting', '--over-clustering', 'given_clusters', '--min-prop', '0.6', '--write-h5ad', '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const want = readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/majority_voting_given_minprop0.6/predicted_labels.csv'));
    const { openH5adPath } = await import('../engine/h5ad/open-node.ts');
    const reader = await openH5adPath(path.join(out, 'annotated.h5ad'));
    assert.deepEqual(reader.readObsColumn('predicted_labels'), column(want, 'predicted_labels'));
    assert.deepEqual(reader.readObsColumn('majority_voting'), column(want, 'majority_voting'));
    assert.equal(reader.readObsm('probability_matrix').dims, 6);
    assert.deepEqual([reader.summary.n_obs, reader.summary.n_vars], [1000, 1550]);
    reader.close();
    // The probabilities were kept on disk during the run (not in memory); nothing of it is left.
    assert.deepEqual(readdirSync(out).sort(), ['annotated.h5ad', 'decision_matrix.csv', 'predicted_labels.csv', 'probability_matrix.csv']);
    const py = spawnSync('/usr/bin/python3', ['-c', 'import anndata'], { encoding: 'utf8' });
    if (py.status !== 0) return t.skip('python3-anndata not installed');
    const file = JSON.stringify(path.join(out, 'annotated.h5ad'));
    const csv = JSON.stringify(path.join(out, 'probability_matrix.csv'));
    const check = spawnSync(
      '/usr/bin/python3',
      ['-c', `import anndata as ad, numpy as np; a = ad.read_h5ad(${file}); p = np.loadtxt(${csv}, delimiter=',', skiprows=1, usecols=range(1, 7)); print(a.obs['majority_voting'].value_counts()['Heterogeneous'], a.obsm['probability_matrix'].shape, list(a.obs.columns)[-6:], np.array_equal(a.obsm['probability_matrix'], p))`],
      { encoding: 'utf8' },
    );
    assert.equal(check.status, 0, check.stderr);
    // The .h5ad's probabilities are bit for bit the CSV's (which equal CellTypist's). toy_lr's
    // labels include 3 of the encyclopedia's names, so the Cell Ontology columns follow CellTypist's.
    assert.equal(
      check.stdout.trim(),
      "185 (1000, 6) ['predicted_labels', 'over_clustering', 'majority_voting', 'conf_score', 'predicted_labels_ontology_term_id', 'majority_voting_ontology_term_id'] True",
    );
  });

  it('--conf-by majority_voting gives the voted label\'s probability (kept on disk, not in memory)', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ctw-cli-'));
    const input = sharedPath('fixtures/synthetic/query_1k.h5ad');
    const model = sharedPath('fixtures/models/toy_lr.pkl');
    const r = cli(['annotate', '-i', input, '-m', model, '-o', out, '--majority-voting', '--over-clustering', 'given_clusters', '--min-prop', '0.6', '--conf-by', 'majority_voting', '--write-h5ad-light', '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const { annotate } = await import('../engine/node.ts');
    const want = await annotate(input, model, { variant: 'simd', majority_voting: true, over_clustering: 'given_clusters', min_prop: 0.6, insert_conf_by: 'majority_voting' });
    assert.deepEqual(column(readCsv(path.join(out, 'predicted_labels.csv')), 'conf_score').map(Number), Array.from(want.conf_score));
    // Outvoted cells have a lower confidence than by predicted labels (CellTypist's max).
    const byLabels = column(readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/majority_voting_given_minprop0.6/predicted_labels.csv')), 'conf_score').map(Number);
    assert.ok(byLabels.some((c, i) => c > want.conf_score[i]));
    const h5 = (await import('h5wasm/node')).default;
    await h5.ready;
    const light = new h5.File(path.join(out, 'annotated_light.h5ad'), 'r');
    assert.deepEqual(Array.from((light.get('obs/conf_score') as unknown as { value: Float64Array }).value), Array.from(want.conf_score));
    light.close();
    assert.deepEqual(readdirSync(out).sort(), ['annotated_light.h5ad', 'decision_matrix.csv', 'predicted_labels.csv', 'probability_matrix.csv']);
  });

  it('--write-h5ad-light writes the annotations only, with the provenance', (t) => {
    const out = mkdtempSync(path.join(tmpdir(), 'ctw-cli-'));
    const r = cli(['annotate', '-i', sharedPath('fixtures/synthetic/query_1k.h5ad'), '-m', sharedPath('fixtures/models/toy_lr.pkl'), '-o', out, '--write-h5ad-light', '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const py = spawnSync('/usr/bin/python3', ['-c', 'import anndata'], { encoding: 'utf8' });
    if (py.status !== 0) return t.skip('python3-anndata not installed');
    const file = path.join(out, 'annotated_light.h5ad');
    const check = spawnSync('/usr/bin/python3', ['-c', `import anndata as ad; a = ad.read_h5ad(${JSON.stringify(file)}); u = a.uns['celltypist']; print(a.shape, a.obsm['probability_matrix'].shape, u['model'], u['options']['mode'], len(u['model_sha256']))`], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    assert.equal(check.stdout.trim(), '(1000, 0) (1000, 6) toy_lr.pkl best_match 64');
  });

  it('refuses legacy-encoded inputs with a clear message', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ctw-cli-'));
    const r = cli(['annotate', '-i', sharedPath('fixtures/real/pbmc68k_reduced.h5ad'), '-m', sharedPath('fixtures/models/pbmc68k_bulk.pkl'), '-o', out, '--write-h5ad', '--quiet']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /old \(anndata < 0.8\) encoding/);
  });
});

describe('catalog models in the CLI (local fake CDN)', () => {
  it('lists the catalog, downloads a model by name once, then uses the cache', async () => {
    const { startFakeCdn } = await import('../engine/testing/fake-cdn.ts');
    const { createHash } = await import('node:crypto');
    const { writeFileSync } = await import('node:fs');
    const cdn = await startFakeCdn(path.resolve(sharedPath('.')));
    const tmp = mkdtempSync(path.join(tmpdir(), 'ctw-cat-'));
    const sha = createHash('sha256').update(readFileSync(sharedPath('fixtures/models/toy_lr.pkl'))).digest('hex');
    const reg = { format: 1, catalog_url: 'https://celltypist.cog.sanger.ac.uk/models/models.json', catalog_last_update: '2026-01-01', models: [{ name: 'Toy_LR', file: 'toy_lr.pkl', url: `${cdn.url}fixtures/models/toy_lr.pkl`, mirrors: [], version: 'v1', date: '', details: 'toy model', n_cell_types: 6, source: '', default: true, size: null, sha256: sha }] };
    writeFileSync(path.join(tmp, 'registry.json'), JSON.stringify(reg));
    const env = { ...process.env, NODE_PATH: '/usr/share/nodejs', CELLTYPIST_WASM_REGISTRY: path.join(tmp, 'registry.json'), CELLTYPIST_WASM_CACHE: path.join(tmp, 'cache') };
    // Async spawn: the fake CDN serves from this process, so its event loop must keep running.
    const { execFile } = await import('node:child_process');
    const run = (args: string[]) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) =>
        execFile(process.execPath, [BIN, ...args], { env, encoding: 'utf8' }, (err, stdout, stderr) =>
          resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
    try {
      const list = await run(['models']);
      assert.equal(list.status, 0, list.stderr);
      assert.match(list.stdout, /\*  Toy_LR +v1 +6 types  toy model/);
      const a = await run(['annotate', '-i', sharedPath('fixtures/synthetic/query_1k.h5ad'), '-m', 'Toy_LR', '-o', path.join(tmp, 'out')]);
      assert.equal(a.status, 0, a.stderr);
      assert.match(a.stderr, /model Toy_LR v1 downloaded from http:\/\/127\.0\.0\.1/);
      const want = readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/best_match/predicted_labels.csv'));
      assert.deepEqual(column(readCsv(path.join(tmp, 'out/predicted_labels.csv')), 'predicted_labels'), column(want, 'predicted_labels'));
      await cdn.stop();
      const b = await run(['annotate', '-i', sharedPath('fixtures/synthetic/query_1k.h5ad'), '-m', 'toy_lr', '-o', path.join(tmp, 'out2')]);
      assert.equal(b.status, 0, b.stderr);
      assert.match(b.stderr, /model Toy_LR v1 from the cache/);
      assert.match((await run(['models'])).stdout, /\*✓ Toy_LR/);
      const bad = await run(['annotate', '-i', sharedPath('fixtures/synthetic/query_1k.h5ad'), '-m', 'Toy_XX']);
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /no model 'Toy_XX' in the catalog \(did you mean Toy_LR\?\)/);
    } finally {
      await cdn.stop().catch(() => {});
    }
  });
});

describe('embedded demo model', () => {
  it('is a real CellTypist/sklearn pickle: Python loads it and predicts like us', async (t) => {
    const probe = spawnSync('/usr/bin/python3', ['-c', 'import sklearn, anndata'], { encoding: 'utf8' });
    if (probe.status !== 0) return t.skip('python3-sklearn / python3-anndata not installed');
    const out = mkdtempSync(path.join(tmpdir(), 'ctw-demo-'));
    const model = repoPath('web/app/public/demo/demo_model.pkl');
    const data = repoPath('web/app/public/demo/demo.h5ad');
    const r = cli(['annotate', '-i', data, '-m', model, '-o', out, '--quiet', '--variant', 'simd']);
    assert.equal(r.status, 0, r.stderr);
    const py = `
import pickle, numpy as np, anndata as ad, pandas as pd
m = pickle.load(open(${JSON.stringify(model)}, 'rb'))
a = ad.read_h5ad(${JSON.stringify(data)})
Xs = np.clip((a.X.toarray() - m['Scaler_'].mean_) / m['Scaler_'].scale_, None, 10)
ours = pd.read_csv(${JSON.stringify(path.join(out, 'decision_matrix.csv'))}, index_col=0).values
print(float(np.abs(m['Model'].decision_function(Xs) - ours).max()), m['description']['number_celltypes'])`;
    const check = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    const [delta, n] = check.stdout.trim().split(' ').map(Number);
    assert.ok(delta < 1e-9, `decision delta ${delta}`);
    assert.equal(n, 6);
  });
});
