import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from '../wasm/load.ts';
import { makeUnique } from './unique.ts';

describe('makeUnique', async () => {
  const { core } = await loadCore({ variant: 'simd' });

  it('returns unique names as they are, without calling the core', () => {
    const names = ['CD3D', 'CD3E', 'MS4A1', ''];
    const got = makeUnique({ make_unique: () => assert.fail('the core is not needed') }, names);
    assert.equal(got, names);
  });

  it('renames duplicates exactly as the core (anndata) does', () => {
    const names = ['A', 'B', 'A', 'A-1', 'A', 'B'];
    const got = makeUnique(core, names);
    assert.deepEqual(got, core.make_unique(names));
    assert.equal(new Set(got).size, names.length);
    assert.deepEqual(got.slice(0, 2), ['A', 'B']);
  });
});
