import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from '../../engine/worker/compact.ts';
import { categoryColors, cellColors, shownColumn } from './colouring.ts';
import { EventBus } from './events.ts';
import { paletteColors } from './palette.ts';

const col = encode(['T', 'B', 'T', 'NK']);
const colors = categoryColors(col, 'default');

describe('colouring', () => {
  it('gives categories palette colours in name order, as scanpy', () => {
    const pal = paletteColors('default', 3);
    // categories in first-seen order T, B, NK; sorted: B, NK, T
    assert.deepEqual(colors, [pal[2], pal[0], pal[1]]);
  });

  it('colours each cell by its category, opaque', () => {
    const out = cellColors({ col, colors, highlighted: new Set(), selected: null });
    assert.deepEqual([...out.subarray(0, 4)], [...colors[0], 230]);
    assert.deepEqual([...out.subarray(4, 8)], [...colors[1], 230]);
    assert.deepEqual([...out.subarray(12, 16)], [...colors[2], 230]);
  });

  it('dims the cells of labels that are not highlighted, and unselected cells', () => {
    const hl = cellColors({ col, colors, highlighted: new Set(['B']), selected: null });
    assert.deepEqual([...hl.subarray(0, 4)], [215, 215, 215, 90]);
    assert.deepEqual([...hl.subarray(4, 8)], [...colors[1], 230]);
    const sel = cellColors({ col, colors, highlighted: new Set(), selected: Uint32Array.of(2) });
    assert.deepEqual([...sel.subarray(0, 4)], [215, 215, 215, 90]);
    assert.deepEqual([...sel.subarray(8, 12)], [...colors[0], 230]);
  });

  it('colours by confidence on a blue-to-red scale', () => {
    const out = cellColors({ col, colors, conf: [0, 1, 0.5, 1], highlighted: new Set(), selected: null });
    assert.deepEqual([...out.subarray(0, 4)], [255, 80, 0, 230]);
    assert.deepEqual([...out.subarray(4, 8)], [0, 200, 255, 230]);
  });

  it('shows the majority-voting or cluster column when asked and present, else the predicted labels', () => {
    const r = { predicted: col, majority_voting: encode(['x', 'x', 'y', 'y']) } as unknown as Parameters<typeof shownColumn>[0];
    assert.equal(shownColumn(r, 'majority_voting'), r.majority_voting);
    assert.equal(shownColumn(r, 'over_clustering'), col);
    assert.equal(shownColumn(r, 'conf_score'), col);
  });
});

describe('EventBus', () => {
  it('calls listeners in subscription order with the value', () => {
    const bus = new EventBus<{ a: number; b: undefined }>();
    const seen: string[] = [];
    bus.on('a', (v) => seen.push(`1:${v}`));
    bus.on('a', (v) => seen.push(`2:${v}`));
    bus.on('b', () => seen.push('b'));
    bus.emit('a', 7);
    bus.emit('b');
    assert.deepEqual(seen, ['1:7', '2:7', 'b']);
  });
});
