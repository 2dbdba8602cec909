// Parity of the WASM engine (both builds) with CellTypist 1.7.1 on every fixture, through the
// public Node API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { type GeneTableServer, serveGeneTables } from './testing/gene-tables.ts';
import { writeTestH5ad } from './testing/write-h5ad.ts';
import { annotate } from './node.ts';
import { assertParity, FIXTURE_CASES, column, maxDelta, numeric, readCsv, sharedPath } from './testing/fixtures.ts';

for (const variant of ['simd', 'simd-threads'] as const) {
  describe(`wasm ${variant} parity with CellTypist`, () => {
    for (const c of FIXTURE_CASES) {
      it(c.name, async () => {
        const r = await annotate(sharedPath(c.input), sharedPath(c.model), {
          variant,
          mode: c.mode,
          p_thres: 0.5,
          majority_voting: c.over_clustering !== undefined,
          over_clustering: c.over_clustering,
          min_prop: c.min_prop,
          chunk_rows: 300, // several chunks, one partial
        });
        const { d, p, labels } = assertParity(r, sharedPath(c.expected));
        const conf = maxDelta(r.conf_score, column(labels, 'conf_score').map(Number));
        console.log(`  [parity ${variant}] ${c.name}: max|dD| ${d.abs.toExponential(2)} (rel ${d.rel.toExponential(2)}), max|dP| ${p.abs.toExponential(2)}, features ${r.stats.n_features_used}/${r.stats.n_features_model}`);
        assert.ok(conf.abs <= 1e-5, `conf delta ${conf.abs}`);
        if (c.over_clustering) {
          assert.deepEqual(r.over_clustering, column(labels, 'over_clustering'));
          assert.deepEqual(r.majority_voting, column(labels, 'majority_voting'));
        }
      });
    }
  });
}

describe('engine errors', () => {
  it('refuses a legacy model with a clear message', async () => {
    await assert.rejects(
      annotate(sharedPath('fixtures/synthetic/query_1k.h5ad'), sharedPath('fixtures/models/legacy_2020_sgd.pkl'), { variant: 'simd' }),
      /legacy CellTypist model format/,
    );
  });
  it('says which obs column is missing', async () => {
    await assert.rejects(
      annotate(sharedPath('fixtures/synthetic/query_1k.h5ad'), sharedPath('fixtures/models/toy_lr.pkl'), {
        variant: 'simd',
        majority_voting: true,
        over_clustering: 'no_such_column',
      }),
      /has no column 'no_such_column' \(columns: cell_type, /,
    );
  });
  it('rejects a model file given as data and data given as model', async () => {
    await assert.rejects(
      annotate(sharedPath('fixtures/models/toy_lr.pkl'), sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd' }),
      /looks like a Python pickle/,
    );
    await assert.rejects(
      annotate(sharedPath('fixtures/synthetic/query_1k.h5ad'), sharedPath('fixtures/synthetic/query_1k.h5ad'), { variant: 'simd' }),
      /not a Python pickle/,
    );
  });
  it('honours cancellation', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      annotate(sharedPath('fixtures/synthetic/query_1k.h5ad'), sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd', signal: ac.signal }),
      /cancelled/,
    );
  });
});

describe('annotate in a Node worker thread', () => {
  it('gives the same result as the main thread, with progress', async () => {
    const { annotateInWorker } = await import('./node.ts');
    const stages = new Set<string>();
    const r = await annotateInWorker(sharedPath('fixtures/synthetic/query_1k.h5ad'), sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd', chunk_rows: 256 }, (p) => stages.add(p.stage));
    const want = readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/best_match/predicted_labels.csv'));
    assert.deepEqual(r.predicted_labels, column(want, 'predicted_labels'));
    assert.ok(r.conf_score instanceof Float64Array);
    assert.ok(stages.has('predict'));
  });
  it('reports errors from the worker as CellTypistError', async () => {
    const { annotateInWorker } = await import('./node.ts');
    await assert.rejects(
      annotateInWorker(sharedPath('fixtures/synthetic/query_1k.h5ad'), sharedPath('fixtures/models/legacy_2020_sgd.pkl'), { variant: 'simd' }),
      (e: Error) => e.name === 'CellTypistError' && /legacy/.test(e.message),
    );
  });
});

describe('raw counts', () => {
  // A copy of query_1k whose X holds its raw counts (layers/counts), written with our writer.
  async function countsFile(): Promise<string> {
    const h5 = (await import('h5wasm/node')).default;
    await h5.ready;
    const { openH5adPath } = await import('./h5ad/open-node.ts');
    const src = new h5.File(sharedPath('fixtures/synthetic/query_1k.h5ad'), 'r');
    const get = (p: string) => (src.get(p) as unknown as { value: unknown }).value;
    const reader = await openH5adPath(sharedPath('fixtures/synthetic/query_1k.h5ad'));
    try {
      const x = { data: get('layers/counts/data') as Float32Array, indices: get('layers/counts/indices') as Int32Array, indptr: get('layers/counts/indptr') as Int32Array, n_cols: reader.summary.n_vars };
      return await writeTestH5ad('counts.h5ad', x, reader.obsNames(), reader.varNames());
    } finally {
      src.close();
      reader.close();
    }
  }


  it('are refused with advice by default, and normalized in-stream on request (CellTypist labels)', async () => {
    const file = await countsFile();
    await assert.rejects(annotate(file, sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd' }), /holds raw counts .*--normalize/);
    const r = await annotate(file, sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd', normalize_counts: true });
    assert.match(r.stats.matrix, /normalized in-stream/);
    assert.match(r.stats.warnings[0], /normalized to 10,000 counts per cell/);
    const dir = sharedPath('fixtures/expected/toy_lr__query_1k/best_match');
    assert.deepEqual(r.predicted_labels, column(readCsv(`${dir}/predicted_labels.csv`), 'predicted_labels'));
    const d = maxDelta(r.decision_matrix!, numeric(readCsv(`${dir}/decision_matrix.csv`)));
    console.log(`  [normalize] decision max rel delta vs CellTypist on scanpy-normalized X: ${d.rel.toExponential(2)}`);
    assert.ok(d.rel <= 1e-4);
  });
});

describe('gene identifiers in real-world files', () => {
  it('uses the symbol column when the var index holds Ensembl IDs', async () => {
    const { openH5adPath } = await import('./h5ad/open-node.ts');
    const reader = await openH5adPath(sharedPath('fixtures/synthetic/query_1k.h5ad'));
    const chunk = reader.readRows('X', 0, reader.summary.n_obs);
    const symbols = reader.varNames();
    const out = await writeTestH5ad('ensembl.h5ad', chunk, reader.obsNames(), symbols.map((_, i) => `ENSG${String(i + 1).padStart(11, '0')}.1`), { feature_name: symbols });
    reader.close();
    const r = await annotate(out, sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd' });
    assert.match(r.stats.warnings.join(' '), /Ensembl gene IDs; gene symbols are taken from var column 'feature_name'/);
    assert.deepEqual(r.predicted_labels, column(readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/best_match/predicted_labels.csv')), 'predicted_labels'));
  });

  it('says when the data has mouse genes and the model is human (conversion turned off)', async () => {
    const r = await annotate(sharedPath('fixtures/real/pbmc68k_mouse_genes.h5ad'), sharedPath('fixtures/models/pbmc68k_bulk.pkl'), { variant: 'simd', convert_orthologs: false });
    // 596 of the 765 genes were renamed to mouse symbols, so under a quarter of the model matches.
    assert.ok(r.stats.n_features_used < 0.25 * 765, String(r.stats.n_features_used));
    assert.match(r.stats.warnings.join(' '), /only \d+ of the model's 765 genes .* looks like mouse genes .* a human model/);
  });
});

describe('Ensembl IDs without a symbol column', () => {
  let server: GeneTableServer;
  before(async () => {
    server = await serveGeneTables();
  });
  after(async () => server?.restore());

  it("are mapped to symbols with CellTypist's GENCODE table (downloaded, verified, cached), versions ignored", async () => {
    server.useRegistry();
    const { openH5adPath } = await import('./h5ad/open-node.ts');
    // pbmc68k's raw layer with each symbol replaced by its GENCODE v44 ID plus a version suffix
    // (the 65 symbols GENCODE v44 does not know stay symbols).
    const idOf = new Map<string, string>();
    for (const line of readFileSync(sharedPath('genes/GENCODEv44_Gene_id2name.csv'), 'utf8').split('\n')) {
      const [id, sym] = line.split(',');
      if (id && sym && !idOf.has(sym)) idOf.set(sym, id);
    }
    const reader = await openH5adPath(sharedPath('fixtures/real/pbmc68k_reduced.h5ad'));
    const chunk = reader.readRows('raw', 0, reader.summary.n_obs);
    const symbols = reader.varNames('raw');
    const out = await writeTestH5ad('ids.h5ad', chunk, reader.obsNames(), symbols.map((s) => (idOf.has(s) ? `${idOf.get(s)}.7` : s)), { n_cells: new Float64Array(symbols.length) });
    reader.close();
    const r = await annotate(out, sharedPath('fixtures/models/pbmc68k_bulk.pkl'), { variant: 'simd' });
    assert.match(r.stats.warnings.join(' '), /700 of 765 IDs were mapped to gene symbols with CellTypist's GENCODE v44 table/);
    assert.equal(r.stats.n_features_used, 765);
    const want = readCsv(sharedPath('fixtures/real/expected/pbmc68k_bulk__pbmc68k_reduced/best_match/predicted_labels.csv'));
    assert.deepEqual(r.predicted_labels, column(want, 'predicted_labels'));
    assert.equal(server.cdn.requests.filter((u) => u.endsWith('GENCODEv44_Gene_id2name.csv')).length, 1);
  });
});

describe('odd gene names', () => {
  it('duplicate names are made unique as anndata does, with a warning; labels as CellTypist', async () => {
    const { openH5adPath } = await import('./h5ad/open-node.ts');
    const reader = await openH5adPath(sharedPath('fixtures/synthetic/query_1k.h5ad'));
    const chunk = reader.readRows('X', 0, reader.summary.n_obs);
    const genes = reader.varNames();
    // A gene no model knows renamed to the name of a model gene that comes before it.
    const extra = genes.findIndex((g) => g.startsWith('XGENE'));
    const twin = genes.findIndex((g, i) => i < extra && !g.startsWith('XGENE'));
    const renamed = genes.map((g, i) => (i === extra ? genes[twin] : g));
    const out = await writeTestH5ad('dups.h5ad', chunk, reader.obsNames(), renamed);
    reader.close();
    const r = await annotate(out, sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd' });
    assert.match(r.stats.warnings.join(' '), new RegExp(`1 gene name\\(s\\) occur more than once .*'${genes[twin].replace(/[+]/g, '\\+')}' → '${genes[twin].replace(/[+]/g, '\\+')}-1'`));
    const want = readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/best_match/predicted_labels.csv'));
    assert.deepEqual(r.predicted_labels, column(want, 'predicted_labels'));
  });

  it('names that are not UTF-8 text are reported, not a crash', async (t) => {
    const { spawnSync } = await import('node:child_process');
    const { mkdtempSync, copyFileSync, chmodSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ctw-utf-')), 'latin1.h5ad');
    copyFileSync(sharedPath('fixtures/synthetic/query_1k.h5ad'), file);
    chmodSync(file, 0o644);
    // h5py writes raw bytes that are not UTF-8 into the var index (as old tools sometimes do).
    const py = spawnSync('/usr/bin/python3', ['-c', `import h5py, numpy as np, sys
f = h5py.File(sys.argv[1], 'r+'); idx = f['var/_index']; names = list(idx[:]); attrs = dict(idx.attrs)
names[0] = b'\\xff\\xfeGENE'
del f['var/_index']; d = f['var'].create_dataset('_index', data=np.array(names, dtype=h5py.string_dtype('utf-8')))
[d.attrs.__setitem__(k, v) for k, v in attrs.items()]; f.close()`, file], { encoding: 'utf8' });
    if (py.status !== 0) return t.skip(`python3-h5py unavailable: ${py.stderr}`);
    const r = await annotate(file, sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd' });
    assert.match(r.stats.warnings.join(' '), /1 gene name\(s\) are not valid UTF-8 text in the file \(the first is gene 1\)/);
    assert.equal(r.stats.n_features_used, 1345); // the garbled gene is one of the 1,346 model genes
  });
});

describe('insert_conf_by', () => {
  it("'majority_voting' gives the voted label's probability, or the max when the vote is not a model label", async () => {
    const r = await annotate(sharedPath('fixtures/synthetic/query_1k.h5ad'), sharedPath('fixtures/models/toy_lr.pkl'), {
      variant: 'simd',
      majority_voting: true,
      over_clustering: 'given_clusters',
      min_prop: 0.6,
      insert_conf_by: 'majority_voting',
    });
    const L = r.labels.length;
    let checked = 0;
    for (let i = 0; i < r.cell_ids.length; i++) {
      const row = Array.from(r.probability_matrix!.subarray(i * L, (i + 1) * L));
      const k = r.labels.indexOf(r.majority_voting![i]);
      assert.equal(r.conf_score[i], k >= 0 ? row[k] : Math.max(...row));
      if (k >= 0 && r.majority_voting![i] !== r.predicted_labels[i]) checked++;
    }
    assert.ok(checked > 0, 'some cells were outvoted');
    await assert.rejects(annotate(sharedPath('fixtures/synthetic/query_1k.h5ad'), sharedPath('fixtures/models/toy_lr.pkl'), { variant: 'simd', insert_conf_by: 'majority_voting' }), /needs majority voting/);
  });
});

describe('over_clustering given per cell', () => {
  const input = sharedPath('fixtures/synthetic/query_1k.h5ad');
  const model = sharedPath('fixtures/models/toy_lr.pkl');
  it('votes as CellTypist does with the same clusters given as an obs column', async () => {
    const { openH5adPath } = await import('./h5ad/open-node.ts');
    const reader = await openH5adPath(input);
    const col = reader.readObsColumn('given_clusters');
    reader.close();
    const clusters = Array.from(col as ArrayLike<string | number>, (v) => String(v));
    const r = await annotate(input, model, { variant: 'simd', majority_voting: true, over_clustering: clusters, min_prop: 0.6, return_matrices: false });
    const want = readCsv(sharedPath('fixtures/expected/toy_lr__query_1k/majority_voting_given_minprop0.6/predicted_labels.csv'));
    assert.deepEqual(r.majority_voting, column(want, 'majority_voting'));
    assert.deepEqual(r.over_clustering, clusters);
    assert.equal(r.stats.over_clustering, undefined, 'no automatic over-clustering ran');
  });
  it('refuses a list of the wrong length with what to do', async () => {
    await assert.rejects(annotate(input, model, { variant: 'simd', majority_voting: true, over_clustering: ['1', '2'] }), /the over-clustering has 2 labels for 1000 cells: give one cluster label per cell/);
  });
});
