// The grouped legend's rows and the parent level: which models have one, groups with totals in
// the legend's order (the no-parent group last), a search showing matches inside their groups.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseEncyclopedia } from '../../engine/encyclopedia/format.ts';
import { NO_PARENT, parentColumn, parentLevel } from '../../engine/encyclopedia/hierarchy.ts';
import { repoPath } from '../../engine/testing/fixtures.ts';
import { legendGroups } from './legend-groups.ts';

const e = parseEncyclopedia(JSON.parse(readFileSync(repoPath('models/encyclopedia/Immune_All_Low_v2.json'), 'utf8')));
const item = (name: string, count: number) => ({ name, count, color: [0, 0, 0] as [number, number, number] });

describe('parent level and legend groups', () => {
  it('exists for Immune_All_Low-like labels, not for its parents or a few shared names', () => {
    const low = [...e.types.keys()];
    assert.equal(parentLevel(low, e)!.size, 98);
    assert.equal(parentLevel([...low, 'Unassigned'], e)!.get('Classical monocytes'), 'Monocytes');
    assert.equal(parentLevel(e.parents, e), null, 'Immune_All_High: its labels are the parents');
    assert.equal(parentLevel(['B cells', 'CD4+ T cells', 'CD8+ T cells', 'Classical monocytes', 'NK cells', 'Platelets'], e), null, 'toy model');
    assert.equal(parentLevel(low, null), null);
  });

  it('recodes a column at the parent level', () => {
    const col = { categories: ['Classical monocytes', 'Unassigned', 'Non-classical monocytes', 'Naive B cells'], codes: Uint16Array.of(0, 1, 2, 3, 2, 0) };
    const p = parentColumn(col, parentLevel([...e.types.keys()], e)!);
    assert.deepEqual(p.categories, ['Monocytes', 'Unassigned', 'B cells']);
    assert.deepEqual([...p.codes], [0, 1, 0, 2, 0, 0]);
  });

  it('groups types under parents, with totals, searched and sorted', () => {
    const parents = parentLevel([...e.types.keys()], e)!;
    const items = [item('Classical monocytes', 50), item('Non-classical monocytes', 20), item('Naive B cells', 60), item('Unassigned', 5), item('Memory B cells', 1)];
    const g = legendGroups(items, parents, '', 'count');
    assert.deepEqual(g.map((x) => [x.name, x.count, x.items.map((i) => i.name)]), [
      ['Monocytes', 70, ['Classical monocytes', 'Non-classical monocytes']],
      ['B cells', 61, ['Naive B cells', 'Memory B cells']],
      [NO_PARENT, 5, ['Unassigned']],
    ]);
    assert.deepEqual(legendGroups(items, parents, '', 'name').map((x) => x.name), ['B cells', 'Monocytes', NO_PARENT]);
    const s = legendGroups(items, parents, 'classical', 'count');
    assert.deepEqual(s.map((x) => [x.name, x.count, x.items.length]), [['Monocytes', 70, 2]]);
    assert.deepEqual(legendGroups(items, parents, 'b cells', 'count').map((x) => x.items.map((i) => i.name)), [['Naive B cells', 'Memory B cells']]);
  });
});
