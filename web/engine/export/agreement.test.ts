import assert from 'node:assert/strict';
import { it } from 'node:test';
import { agreementCsv, agreementMatrix, labelsCsv, modelNames } from './agreement.ts';

it('pairwise agreement is the share of cells with the same label, symmetric with 1 on the diagonal', () => {
  const runs = [
    { name: 'A', labels: ['x', 'y', 'y', 'z'] },
    { name: 'B', labels: ['x', 'y', 'x', 'x'] },
    { name: 'C', labels: ['q', 'y', 'y', 'z'] },
  ];
  const m = agreementMatrix(runs);
  assert.deepEqual(m, [[1, 0.5, 0.75], [0.5, 1, 0.25], [0.75, 0.25, 1]]);
  assert.equal(agreementCsv(runs, m), ',A,B,C\nA,1.0,0.5,0.75\nB,0.5,1.0,0.25\nC,0.75,0.25,1.0\n');
  assert.equal(labelsCsv(['c1', 'c2', 'c3', 'c4'], runs.slice(0, 2)), ',A,B\nc1,x,x\nc2,y,y\nc3,y,x\nc4,z,x\n');
  assert.throws(() => agreementMatrix([runs[0], { name: 'D', labels: ['x'] }]), /'D' has 1 labels, not 4/);
});

it('names models by file name, made distinct', () => {
  assert.deepEqual(modelNames(['a/Immune_All_Low.pkl', 'Immune_All_High', 'b/Immune_All_Low.pkl']), ['Immune_All_Low', 'Immune_All_High', 'Immune_All_Low_2']);
});
