// The structure rules catch what they are for, on a small tree made here: an engine file importing
// the app, a circle of three files (a type-only import and a dynamic import() close it too; a
// worker's new URL does not), files over their line limits; every kind of module reference is read.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { circles, importEdges, moduleReferences, oversized, upwardImports } from './import-graph.ts';

const root = mkdtempSync(path.join(tmpdir(), 'ctw-graph-'));
const tree: Record<string, string> = {
  'web/engine/a.ts': "import { b } from './b.ts';\nexport const a = b;\n",
  'web/engine/b.ts': "import type { C } from './c';\nexport const b = 1;\n",
  'web/engine/c.ts': "export type C = number;\nexport const c = () => import('./a.ts');\n",
  'web/engine/up.ts': "import { x } from '../app/src/x.ts';\nexport const up = x;\n",
  'web/engine/worker.ts': "import { main } from './main.ts';\nexport const w = main;\n",
  'web/engine/main.ts': "export const main = new URL('./worker.ts', import.meta.url);\n",
  'web/app/src/x.ts': "import { a } from '../../engine/a.ts';\nexport const x = a;\n",
  'web/app/src/main.ts': 'export {};\n'.repeat(251),
  'e2e/long.test.ts': '// a line\n'.repeat(501),
  'wasm/model/pickle_vm.cpp': '// a line\n'.repeat(1000),
};
for (const [f, text] of Object.entries(tree)) {
  mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
  writeFileSync(path.join(root, f), text);
}
const files = Object.keys(tree);
const edges = importEdges(root, files);
after(() => rmSync(root, { recursive: true, force: true }));

describe('structure rules', () => {
  it('reads every kind of module reference', () => {
    const refs = moduleReferences(
      'f.ts',
      "import a from './a';\nimport type { B } from './b';\nexport * from './c';\nconst d = await import('./d');\ntype E = typeof import('./e');\nconst f = require('./f');\nconst g = new URL('./g.js', import.meta.url);\nimport h from 'pkg';\n",
    );
    assert.deepEqual(
      refs.map((r) => `${r.spec} ${r.kind} ${r.line}`),
      ['./a import 1', './b import 2', './c import 3', './d dynamic 4', './e type 5', './f dynamic 6', './g.js url 7', 'pkg import 8'],
    );
  });

  it('finds the engine importing the app', () => {
    assert.deepEqual(upwardImports(edges).map((e) => `${e.from}:${e.line} -> ${e.to}`), ['web/engine/up.ts:1 -> web/app/src/x.ts']);
  });

  it('finds a circle closed by type-only and dynamic imports, not one through a worker URL', () => {
    assert.deepEqual(circles(edges, (f) => f.startsWith('web/')), [['web/engine/a.ts', 'web/engine/b.ts', 'web/engine/c.ts']]);
  });

  it('finds files over their line limits, the pickle VM excepted', () => {
    assert.deepEqual(oversized(root, files), [
      { file: 'web/app/src/main.ts', lines: 251, limit: 250 },
      { file: 'e2e/long.test.ts', lines: 501, limit: 500 },
    ]);
  });
});
