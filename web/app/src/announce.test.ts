import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newProgress, progressAnnouncement, stageName } from './announce.ts';

describe('live-region announcements', () => {
  it('names each stage once and the percentage at 25 % steps only', () => {
    const s = newProgress();
    const said: (string | null)[] = [];
    const reports: [string, number][] = [
      ['read', 0], ['read', 0.1], ['read', 0.3], ['read', 0.31], ['predict', 0], ['predict', 0.2], ['predict', 0.26],
      ['predict', 0.5], ['predict', 0.74], ['predict', 0.99], ['predict', 1], ['voting', 0], ['voting', 1],
    ];
    for (const [stage, f] of reports) said.push(progressAnnouncement(s, stage, f));
    assert.deepEqual(said.filter(Boolean), [
      'Reading the file …', 'Reading the file: 25 %', 'Predicting cell types …', 'Predicting cell types: 25 %', 'Predicting cell types: 50 %',
      'Predicting cell types: 75 %', 'Predicting cell types: 100 %', 'Majority voting …', 'Majority voting: 100 %',
    ]);
  });
  it('a stage first reported past its start says where it is; odd fractions are clamped', () => {
    const s = newProgress();
    assert.equal(progressAnnouncement(s, 'umap', 0.6), 'Computing the UMAP layout: 50 %');
    assert.equal(progressAnnouncement(s, 'umap', Number.NaN), null);
    assert.equal(progressAnnouncement(s, 'umap', 7), 'Computing the UMAP layout: 100 %');
    assert.equal(stageName('some_new_stage'), 'some new stage');
  });
});
