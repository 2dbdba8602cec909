// The CLI and the cell-type encyclopedia (issue 28). On a 98-type model whose labels include 8
// encyclopedia names (../shared/bench/bench98.pkl) and a deterministic synthetic query:
// --write-h5ad gives every cell its label's Cell Ontology ID in obs (empty for the other labels),
// --cell-ontology writes the same IDs with parents, CellTypist's three tables stay byte-for-byte
// those of a run without the new flags; `models --show M --type T` prints a card; --colour-genes
// adds gene panels to --plot's figure.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { makeSynthetic } from '../../scripts/make-synthetic-h5ad.ts';
import { parseEncyclopedia } from '../engine/encyclopedia/format.ts';
import { openH5adPath } from '../engine/h5ad/open-node.ts';
import { parseCsv, repoPath, sharedPath } from '../engine/testing/fixtures.ts';
import { addEmbedding } from '../engine/testing/immune-like.ts';

const BIN = repoPath('web/cli/bin.mjs');
const MODEL = sharedPath('bench/bench98.pkl');
const DIR = mkdtempSync(path.join(tmpdir(), 'ctw-bio-'));
const QUERY = path.join(DIR, 'q98.h5ad');
const enc = parseEncyclopedia(JSON.parse(readFileSync(repoPath('models/encyclopedia/Immune_All_Low_v2.json'), 'utf8')));

const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });

before(async () => {
  // 1,200 cells of bench98's synthetic world (30 groups), 7,000 genes: deterministic.
  if (!existsSync(QUERY)) {
    await makeSynthetic({ out: QUERY, cells: 1200, genes: 7000, density: 0.06, types: 30, model: MODEL, seed: 11 });
    await addEmbedding(QUERY); // the figure needs no UMAP
  }
});

describe('CLI: Cell Ontology IDs, label cards, gene panels', () => {
  it('--write-h5ad: each cell gets its labels\' ontology IDs ("" for labels without one); --cell-ontology; the three tables unchanged', async () => {
    const plain = path.join(DIR, 'plain');
    const bio = path.join(DIR, 'bio');
    const a = cli(['annotate', '-i', QUERY, '-m', MODEL, '-o', plain, '--variant', 'simd', '--quiet', '--majority-voting']);
    assert.equal(a.status, 0, a.stderr);
    const b = cli(['annotate', '-i', QUERY, '-m', MODEL, '-o', bio, '--variant', 'simd', '--majority-voting', '--write-h5ad', '--cell-ontology']);
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stderr, /annotated\.h5ad: Cell Ontology IDs in obs \(Cell Ontology IDs for 8 of the 98 cell types, from the cell-type encyclopedia of Immune_All_Low v2 \(labels matched by name\)\)/);
    for (const f of ['predicted_labels.csv', 'decision_matrix.csv', 'probability_matrix.csv']) {
      assert.ok(readFileSync(path.join(bio, f)).equals(readFileSync(path.join(plain, f))), `${f} is byte-for-byte the same`);
    }
    const r = await openH5adPath(path.join(bio, 'annotated.h5ad'));
    const col = (c: string) => r.readObsColumn(c) as string[];
    const [labels, ids, voted, votedIds] = [col('predicted_labels'), col('predicted_labels_ontology_term_id'), col('majority_voting'), col('majority_voting_ontology_term_id')];
    r.close();
    assert.equal(ids.length, 1200);
    labels.forEach((l, i) => assert.equal(ids[i], enc.types.get(l)?.cell_ontology_id ?? '', `cell ${i} (${l})`));
    voted.forEach((l, i) => assert.equal(votedIds[i], enc.types.get(l)?.cell_ontology_id ?? '', `cell ${i} voted ${l}`));
    // Not vacuous: cells with encyclopedia labels and cells with others.
    const described = new Set(labels.filter((l) => enc.types.has(l)));
    assert.ok(described.size >= 3, [...described].join(', '));
    assert.ok(ids.includes(''));
    // cell_ontology.csv: the voted labels (voting ran), their IDs and parents.
    const csv = parseCsv(readFileSync(path.join(bio, 'cell_ontology.csv'), 'utf8'));
    assert.deepEqual(csv.header, ['label', 'cell_type_ontology_term_id', 'parent']);
    csv.rows.forEach(([label, id, parent], i) => {
      assert.equal(label, voted[i]);
      assert.equal(id, votedIds[i]);
      assert.equal(parent, enc.types.get(label)?.parent ?? '');
    });
  });

  it('models --show MODEL --type LABEL prints the card', () => {
    const r = cli(['models', '--show', MODEL, '--type', 'Classical monocytes']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Classical monocytes \(bench98\)\n/);
    assert.match(r.stdout, /parent type: +Monocytes\n/);
    assert.match(r.stdout, /Cell Ontology: +CL:0000860 +https:\/\/www\.ebi\.ac\.uk\/ols4\/ontologies\/cl\/classes\/\S+CL_0000860\n/);
    assert.match(r.stdout, new RegExp(`curated markers: +${enc.types.get('Classical monocytes')!.markers.join(', ')}\n`));
    assert.match(r.stdout, /model's top genes: +(\S+, ){9}\S+\n/);
    assert.match(r.stdout, /https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/\d+\//);
    assert.match(r.stdout, /\(Cell Ontology IDs for 8 of the 98 cell types/);
    const other = cli(['models', '--show', MODEL, '--type', 'Cell type 13']);
    assert.equal(other.status, 0, other.stderr);
    assert.match(other.stdout, /no cell-type encyclopedia describes this label/);
    assert.doesNotMatch(other.stdout, /Cell Ontology:/);
    const typo = cli(['models', '--show', MODEL, '--type', 'classical monocytes']);
    assert.equal(typo.status, 1);
    assert.match(typo.stderr, /'classical monocytes' is not a cell type of bench98 \(98 types\); did you mean 'Classical monocytes'\?/);
    assert.match(cli(['models', '--type', 'B cells']).stderr, /--type shows one cell type of a model: give the model with --show/);
  });

  it('--colour-genes adds a panel per gene to --plot, and refuses what it cannot do', () => {
    const out = path.join(DIR, 'fig');
    mkdirSync(out, { recursive: true });
    const svg = path.join(out, 'fig.svg');
    const r = cli(['annotate', '-i', QUERY, '-m', MODEL, '-o', out, '--variant', 'simd', '--quiet', '--no-matrices', '--plot', svg, '--colour-genes', 'GENE0001,CD14']);
    assert.equal(r.status, 0, r.stderr);
    const text = readFileSync(svg, 'utf8');
    for (const t of ['predicted_labels', 'conf_score', 'GENE0001', 'CD14']) assert.match(text, new RegExp(`>${t}</text>`));
    assert.match(text, />0 \([\d,]+\)<\/text>/, 'the zero swatch');
    assert.match(r.stderr, /^$|results figure on obsm\['X_umap'\]/);
    // Both refusals come before the run.
    const noPlot = cli(['annotate', '-i', QUERY, '-m', MODEL, '-o', out, '--colour-genes', 'CD14']);
    assert.equal(noPlot.status, 1);
    assert.match(noPlot.stderr, /--colour-genes adds panels to the results figure: give --plot/);
    const unknown = cli(['annotate', '-i', QUERY, '-m', MODEL, '-o', out, '--plot', svg, '--color-genes', 'CD1']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /'CD1' is not a gene of this file \(did you mean CD14/);
  });
});
