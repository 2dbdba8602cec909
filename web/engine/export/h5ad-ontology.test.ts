// Cell Ontology columns of the annotated .h5ad, read back by Python anndata: each cell's
// predicted_labels_ontology_term_id / majority_voting_ontology_term_id is the encyclopedia's ID
// of its label ('' where it has none); `ontology: null` writes neither.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseEncyclopedia } from '../encyclopedia/format.ts';
import { nodeEncyclopedias } from '../encyclopedia/source-node.ts';
import { annotate } from '../node.ts';
import { sharedPath } from '../testing/fixtures.ts';
import { writeAnnotatedFile } from './h5ad-node.ts';

const PY = '/usr/bin/python3';
const hasAnndata = spawnSync(PY, ['-c', 'import anndata'], { encoding: 'utf8' }).status === 0;
const READ = `import sys, json, anndata as ad
a = ad.read_h5ad(sys.argv[1])
cols = [c for c in ['predicted_labels', 'majority_voting', 'predicted_labels_ontology_term_id', 'majority_voting_ontology_term_id'] if c in a.obs]
print(json.dumps({c: [str(v) for v in a.obs[c]] for c in cols}))`;

describe('annotated .h5ad: Cell Ontology term IDs', () => {
  it("every cell gets its label's ID from the encyclopedia, '' for labels without one", async (t) => {
    if (!hasAnndata) return t.skip('python3-anndata is not installed (apt-get install python3-anndata)');
    const input = sharedPath('fixtures/synthetic/query_1k.h5ad');
    const model = sharedPath('fixtures/models/toy_lr.pkl');
    const r = await annotate(input, model, { variant: 'simd', majority_voting: true, over_clustering: 'given_clusters', min_prop: 0.6 });
    const dir = mkdtempSync(path.join(tmpdir(), 'ctw-ont-'));
    const out = path.join(dir, 'a.h5ad');
    const w = await writeAnnotatedFile(input, out, r, { model, options: {}, light: true });
    assert.equal(w.ontology, 'Cell Ontology IDs for 3 of the 6 cell types, from the cell-type encyclopedia of Immune_All_Low v2 (labels matched by name)');
    const got = JSON.parse(spawnSync(PY, ['-c', READ, out], { encoding: 'utf8' }).stdout);
    const e = parseEncyclopedia(await nodeEncyclopedias().load('Immune_All_Low', 'v2'));
    const id = (l: string) => e.types.get(l)?.cell_ontology_id ?? '';
    assert.deepEqual(got.predicted_labels_ontology_term_id, got.predicted_labels.map(id));
    assert.deepEqual(got.majority_voting_ontology_term_id, got.majority_voting.map(id));
    // Not vacuous: both described and undescribed labels (CD4+ T cells, Heterogeneous) occur.
    const seen = new Set(got.majority_voting_ontology_term_id);
    assert.ok(seen.has('') && seen.has('CL:0000236') && seen.has('CL:0000860'), [...seen].join(' '));
    assert.ok(got.majority_voting.includes('Heterogeneous'));

    const none = path.join(dir, 'none.h5ad');
    assert.equal((await writeAnnotatedFile(input, none, r, { model, options: {}, light: true, ontology: null })).ontology, null);
    assert.deepEqual(Object.keys(JSON.parse(spawnSync(PY, ['-c', READ, none], { encoding: 'utf8' }).stdout)), ['predicted_labels', 'majority_voting']);
  });
});
