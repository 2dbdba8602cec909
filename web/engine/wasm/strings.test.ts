// String arrays cross the wasm boundary in one piece (joined on a separator, split on the other
// side): every name must arrive intact, including empty ones, non-ASCII ones and ones holding
// the separator or a NUL (those take the element-by-element path).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCore } from './load.ts';

describe('string arrays through the core', () => {
  it('round-trip through make_unique unchanged when unique', async () => {
    const { core } = await loadCore({ variant: 'simd' });
    const cases: string[][] = [
      [],
      [''],
      ['', '', 'a'].slice(1), // one empty name among others
      ['CD3D', 'Ms4a1', 'HLA-DRA', 'Ünïcödé', '細胞', '🧬'],
      ['with\u001fseparator', 'plain'],
      ['nul\u0000inside', 'plain'],
      Array.from({ length: 20000 }, (_, i) => `GENE${i}`),
    ];
    for (const names of cases) assert.deepEqual(core.make_unique(names), names, JSON.stringify(names.slice(0, 3)));
  });
  it('still makes duplicates unique as anndata does', async () => {
    const { core } = await loadCore({ variant: 'simd' });
    assert.deepEqual(core.make_unique(['A', 'B', 'A', '', '']), ['A', 'B', 'A-1', '', '-1']);
    assert.deepEqual(core.make_unique(['x\u001f', 'x\u001f']), ['x\u001f', 'x\u001f-1']);
  });
});
