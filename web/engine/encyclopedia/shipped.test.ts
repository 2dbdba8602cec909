// The shipped encyclopedia files: derived exactly from ../shared's encyclopedia facts (so a data
// change is made by re-deriving, and a hand edit is caught), valid, and faithful per cell type.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'fflate';
import path from 'node:path';
import { describe, it } from 'node:test';
import { deriveAll, SHIPPED_DIR, SOURCE_DIR } from '../../../scripts/make-encyclopedia.ts';
import { parseEncyclopedia } from './format.ts';
import { nodeEncyclopedias } from './source-node.ts';

describe('shipped encyclopedia files', () => {
  it('equal what scripts/make-encyclopedia.ts derives from ../shared', () => {
    const derived = deriveAll();
    assert.ok(derived.size >= 1);
    for (const [name, text] of derived) assert.equal(readFileSync(path.join(SHIPPED_DIR, name), 'utf8'), text, `${name}: run scripts/make-encyclopedia.ts`);
  });

  it('keep every fact the cards use, per cell type, for Immune_All_Low v2', async () => {
    const src = JSON.parse(readFileSync(path.join(SOURCE_DIR, 'Immune_All_Low_v2.json'), 'utf8'));
    const source = nodeEncyclopedias();
    assert.deepEqual(source.list(), [{ model: 'Immune_All_Low', version: 'v2' }]);
    const e = parseEncyclopedia(await source.load('Immune_All_Low', 'v2'));
    assert.equal(e.types.size, 98);
    assert.equal(e.parents.length, 32);
    assert.equal(e.parent_model, 'Immune_All_High');
    for (const t of src.cell_types) {
      const got = e.types.get(t.name)!;
      assert.equal(got.parent, t.high_level);
      assert.equal(got.cell_ontology_id, t.cell_ontology_id);
      assert.deepEqual(got.markers, t.curated_markers);
      assert.deepEqual([...got.tissues].sort(), [...t.tissues].sort());
      const key = (d: { name: string; pubmed_id: string }) => `${d.name}|${d.pubmed_id}`;
      assert.deepEqual(got.studies.map(key).sort(), t.datasets.map(key).sort());
    }
    assert.equal([...e.children.values()].reduce((a, c) => a + c.length, 0), 98);
  });

  it('are read compressed as the package ships them (dist/models/encyclopedia/*.json.gz)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ctw-enc-'));
    const text = readFileSync(path.join(SHIPPED_DIR, 'Immune_All_Low_v2.json'));
    writeFileSync(path.join(dir, 'Immune_All_Low_v2.json.gz'), gzipSync(text));
    const s = nodeEncyclopedias(dir);
    assert.deepEqual(s.list(), [{ model: 'Immune_All_Low', version: 'v2' }]);
    assert.deepEqual(await s.load('Immune_All_Low', 'v2'), JSON.parse(text.toString()));
  });

  it('refuses a broken file with the reason', () => {
    const ok = JSON.parse(readFileSync(path.join(SHIPPED_DIR, 'Immune_All_Low_v2.json'), 'utf8'));
    const broken = (f: (x: typeof ok) => void) => {
      const c = structuredClone(ok);
      f(c);
      return () => parseEncyclopedia(c);
    };
    assert.throws(broken((c) => (c.types[0].cl = 'CL_0000236')), /not a Cell Ontology ID/);
    assert.throws(broken((c) => (c.types[1].name = c.types[0].name)), /listed twice/);
    assert.throws(broken((c) => (c.types[0].tissues = [99])), /tissue or study that is not listed/);
    assert.throws(broken((c) => (c.format = 2)), /format is not 1/);
  });
});
