// Matching a model to an encyclopedia, ontology IDs per cell, cell_ontology.csv and label cards.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelCard, ontologyUrl } from './card.ts';
import { parseEncyclopedia, type EncyclopediaFile } from './format.ts';
import { findEncyclopedia, matchSummary, modelBaseName, type EncyclopediaSource } from './match.ts';
import { cellOntologyCsv, ontologyColumns, ontologyIds } from './ontology.ts';

const FILE: EncyclopediaFile = {
  format: 1,
  model: 'Toy_Atlas',
  version: 'v3',
  source: 'test',
  tissues: ['Blood', 'Lung'],
  studies: [['Someone et al. 2020', '123'], ['Consortium 2018', '']],
  parents: ['T cells', 'Monocytes'],
  types: [
    { name: 'Naive T, "CD4"', parent: 0, cl: 'CL:0000895', markers: ['CCR7', 'CD4'], tissues: [0], studies: [0, 1] },
    { name: 'Classical monocytes', parent: 1, cl: 'CL:0000860', markers: ['CD14'], tissues: [0, 1], studies: [0] },
    { name: 'Monocytes', parent: 1, cl: 'CL:0000576', markers: [], tissues: [], studies: [] },
  ],
};
const source = (...files: EncyclopediaFile[]): EncyclopediaSource & { loaded: string[] } => {
  const loaded: string[] = [];
  return {
    loaded,
    list: () => files.map((f) => ({ model: f.model, version: f.version })),
    load: async (m, v) => (loaded.push(`${m}_${v}`), structuredClone(files.find((f) => f.model === m && f.version === v))),
  };
};

describe('encyclopedia', () => {
  it('matches a model by its name and version first, loading only its file', async () => {
    const other = { ...FILE, model: 'Other', version: 'v1' };
    const s = source(other, FILE);
    const m = await findEncyclopedia(s, { name: 'dir/Toy_Atlas.pkl', version: 'v3', labels: ['Classical monocytes', 'Unknown'] });
    assert.equal(m?.by, 'model');
    assert.equal(m?.matched, 1);
    assert.deepEqual(s.loaded, ['Toy_Atlas_v3']);
    assert.equal(matchSummary(m!), 'Cell Ontology IDs for 1 of the 2 cell types, from the cell-type encyclopedia of Toy_Atlas v3');
    assert.equal(modelBaseName('Immune_All_Low v2 (from cache)'), 'Immune_All_Low');
  });

  it('otherwise by the most shared label names; none when no label is described', async () => {
    const s = source(FILE);
    const m = await findEncyclopedia(s, { name: 'mine.pkl', version: '', labels: ['x', 'Monocytes', 'T cells'] });
    assert.equal(m?.by, 'names');
    assert.equal(m?.matched, 2); // a type and a parent
    assert.equal(m?.with_id, 1); // 'T cells' is a parent: described, without an ID
    assert.match(matchSummary(m!), /IDs for 1 of the 3 cell types, .*\(labels matched by name\)$/);
    assert.equal(await findEncyclopedia(s, { name: 'Toy_Atlas', version: 'v9', labels: ['a', 'b'] }), null);
  });

  it('gives each cell its label\'s Cell Ontology ID, empty where there is none', () => {
    const e = parseEncyclopedia(FILE);
    assert.deepEqual(ontologyIds(['Monocytes', 'Unassigned', 'Classical monocytes', 'Monocytes'], e), ['CL:0000576', '', 'CL:0000860', 'CL:0000576']);
    const cols = ontologyColumns({ predicted_labels: ['Monocytes'], majority_voting: ['T cells'] }, e);
    assert.deepEqual(cols, { predicted_labels_ontology_term_id: ['CL:0000576'], majority_voting_ontology_term_id: [''] });
    assert.equal(ontologyColumns({ predicted_labels: ['x'] }, e).majority_voting_ontology_term_id, undefined);
  });

  it('writes cell_ontology.csv with quoted fields, in pieces', () => {
    const e = parseEncyclopedia(FILE);
    const parts = [...cellOntologyCsv(['c1', 'c,2', 'c3'], ['Naive T, "CD4"', 'Classical monocytes', 'Heterogeneous'], e, 2)];
    assert.equal(parts.length, 2);
    assert.equal(
      parts.join(''),
      'cell,label,cell_type_ontology_term_id,parent\n' + 'c1,"Naive T, ""CD4""",CL:0000895,T cells\n' + '"c,2",Classical monocytes,CL:0000860,Monocytes\n' + 'c3,Heterogeneous,,\n',
    );
  });

  it('builds a card with links, the file\'s figures, and without facts for other labels', () => {
    const e = parseEncyclopedia(FILE);
    const c = labelCard('Classical monocytes', e, { stats: { cells: 2, total: 4, mean_confidence: 0.4 }, model_genes: ['LYZ'] });
    assert.equal(c.parent, 'Monocytes');
    assert.equal(c.cell_ontology_id, 'CL:0000860');
    assert.equal(c.ontology_url, 'https://www.ebi.ac.uk/ols4/ontologies/cl/classes/http%253A%252F%252Fpurl.obolibrary.org%252Fobo%252FCL_0000860');
    assert.deepEqual(c.studies, [{ name: 'Someone et al. 2020', pubmed_id: '123', url: 'https://pubmed.ncbi.nlm.nih.gov/123/' }]);
    assert.deepEqual([c.cells, c.share, c.mean_confidence], [2, 0.5, 0.4]);
    assert.deepEqual(c.model_genes, ['LYZ']);
    const parent = labelCard('T cells', e);
    assert.deepEqual(parent.children, ['Naive T, "CD4"']);
    assert.equal(parent.described, true);
    const bare = labelCard('x', null, { stats: { cells: 1, total: 4, mean_confidence: 1 } });
    assert.deepEqual([bare.described, bare.cell_ontology_id, bare.ontology_url, bare.markers.length, bare.source, bare.cells], [false, '', '', 0, '', 1]);
    assert.equal(ontologyUrl('not an id'), '');
  });
});
