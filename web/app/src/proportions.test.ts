import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from '../../engine/worker/compact.ts';
import { legendRows } from './legend.ts';
import { proportionRows } from './proportions.ts';

describe('proportions', () => {
  it('counts labels per group from codes, groups in name order, empty groups left out', () => {
    const labels = encode(['A', 'B', 'A', 'C', 'A']);
    const groups = { categories: ['s2', 's1', 'empty'], codes: Uint16Array.from([0, 0, 1, 1, 1]) };
    const rows = proportionRows(labels, groups);
    assert.deepEqual(rows.map((r) => r.group), ['s1', 's2']);
    assert.deepEqual(Array.from(rows[0].counts), [2, 0, 1]);
    assert.deepEqual(Array.from(rows[1].counts), [1, 1, 0]);
    assert.equal(rows[1].total, 2);
    const all = proportionRows(labels, null);
    assert.equal(all.length, 1);
    assert.equal(all[0].group, 'all cells');
    assert.equal(all[0].total, 5);
  });
});

describe('legend rows', () => {
  const items = [
    { name: 'B cells', count: 5, color: [0, 0, 0] as [number, number, number] },
    { name: 'CD8+ T cells', count: 40, color: [0, 0, 0] as [number, number, number] },
    { name: 'CD4+ T cells', count: 40, color: [0, 0, 0] as [number, number, number] },
    { name: 'NK cells', count: 12, color: [0, 0, 0] as [number, number, number] },
  ];
  it('sorts by count (ties by name) or by name', () => {
    assert.deepEqual(legendRows(items, '', 'count').map((r) => r.name), ['CD4+ T cells', 'CD8+ T cells', 'NK cells', 'B cells']);
    assert.deepEqual(legendRows(items, '', 'name').map((r) => r.name), ['B cells', 'CD4+ T cells', 'CD8+ T cells', 'NK cells']);
  });
  it('filters by a case-insensitive substring', () => {
    assert.deepEqual(legendRows(items, ' t CELLS', 'count').map((r) => r.name), ['CD4+ T cells', 'CD8+ T cells']);
    assert.equal(legendRows(items, 'macrophage', 'name').length, 0);
  });
});
