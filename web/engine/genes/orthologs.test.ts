// Species conversion through the public Node API: the ortholog table comes from a local fake CDN
// (../shared/genes) named by a test registry, like the real raw.githubusercontent.com URL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FakeCdn } from '../testing/fake-cdn.ts';
import { annotate } from '../node.ts';
import { column, maxDelta, numeric, readCsv, sharedPath } from '../testing/fixtures.ts';
import { type GeneTableServer, serveGeneTables } from '../testing/gene-tables.ts';

const TABLE = 'genes/Ensembl105_Human2Mouse_Genes.csv';
const EXPECTED = 'fixtures/real/expected/pbmc68k_bulk_to_mouse__pbmc68k_mouse_genes';
let server: GeneTableServer;
let cdn: FakeCdn;

before(async () => {
  server = await serveGeneTables();
  cdn = server.cdn;
});
after(async () => server?.restore());

describe('human model on mouse data', () => {
  it("converts the model like CellTypist's Model.convert() and predicts like CellTypist", async () => {
    server.useRegistry();
    const stages: string[] = [];
    const r = await annotate(sharedPath('fixtures/real/pbmc68k_mouse_genes.h5ad'), sharedPath('fixtures/models/pbmc68k_bulk.pkl'), { variant: 'simd' }, (p) => {
      if (p.message) stages.push(p.message);
    });
    const want = readCsv(sharedPath(`${EXPECTED}/predicted_labels.csv`));
    assert.deepEqual(r.predicted_labels, column(want, 'predicted_labels'));
    const d = maxDelta(r.decision_matrix!, numeric(readCsv(sharedPath(`${EXPECTED}/decision_matrix.csv`))));
    const p = maxDelta(r.probability_matrix!, numeric(readCsv(sharedPath(`${EXPECTED}/probability_matrix.csv`))));
    console.log(`  [species] converted model: ${r.stats.n_features_used}/${r.stats.n_features_model} genes used, max|dD| ${d.abs.toExponential(2)}, max|dP| ${p.abs.toExponential(2)}`);
    assert.ok(d.rel <= 1e-9 && p.abs <= 1e-9);
    assert.equal(r.stats.n_features_model, 612);
    assert.equal(r.stats.n_features_used, 596);
    assert.ok(r.stats.warnings.some((w) => /converted to mouse genes by 1:1 orthologs .* 612 of its 765 genes kept/.test(w)), r.stats.warnings.join('\n'));
    assert.ok(stages.some((m) => /gene table Ensembl105_Human2Mouse_Genes.csv/.test(m)));
    assert.equal(cdn.requests.filter((u) => u.endsWith('Human2Mouse_Genes.csv')).length, 1);
    // Second run: from the cache, no request.
    await annotate(sharedPath('fixtures/real/pbmc68k_mouse_genes.h5ad'), sharedPath('fixtures/models/pbmc68k_bulk.pkl'), { variant: 'simd' });
    assert.equal(cdn.requests.filter((u) => u.endsWith('Human2Mouse_Genes.csv')).length, 1);
  });

  it('refuses a table whose checksum does not match, and says what to do', async () => {
    server.useRegistry({ Ensembl105_Human2Mouse_Genes: '0'.repeat(64) });
    await assert.rejects(
      annotate(sharedPath('fixtures/real/pbmc68k_mouse_genes.h5ad'), sharedPath('fixtures/models/pbmc68k_bulk.pkl'), { variant: 'simd' }),
      /mouse gene symbols but the model is a human model; converting it needs CellTypist's ortholog table, which could not be loaded \(could not get gene table .*checksum mismatch.*--no-convert/,
    );
  });

  it('uses a given map file, and can be told not to convert', async () => {
    const r = await annotate(sharedPath('fixtures/real/pbmc68k_mouse_genes.h5ad'), sharedPath('fixtures/models/pbmc68k_bulk.pkl'), { variant: 'simd', gene_map: sharedPath(TABLE) });
    assert.equal(r.stats.n_features_model, 612);
    const plain = await annotate(sharedPath('fixtures/real/pbmc68k_mouse_genes.h5ad'), sharedPath('fixtures/models/pbmc68k_bulk.pkl'), { variant: 'simd', convert_orthologs: false });
    assert.equal(plain.stats.n_features_model, 765);
    assert.ok(plain.stats.n_features_used < 200);
  });

  it('leaves same-species data alone', async () => {
    const r = await annotate(sharedPath('fixtures/real/pbmc68k_reduced.h5ad'), sharedPath('fixtures/models/pbmc68k_bulk.pkl'), { variant: 'simd', gene_map: '/nonexistent' });
    assert.equal(r.stats.n_features_model, 765);
  });
});
