// The mirror registry: validation, entries checked against known sha256, merging, and the
// catalog registry with mirrored models' local copies.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { repoPath } from '../testing/fixtures.ts';
import { applyMirror, mergeMirror, MIRROR_KIND, mirrorEntry, parseMirror } from './mirror.ts';
import { findModel, parseRegistry } from './registry.ts';

const reg = parseRegistry(JSON.parse(readFileSync(repoPath('models/registry.json'), 'utf8')));
const low = findModel(reg, 'Immune_All_Low');
const skin = findModel(reg, 'Adult_Human_Skin');
const sha = (c: string) => c.repeat(64);

describe('model mirror registry', () => {
  it('records a file without a known sha256 as copied, and refuses one that differs from a known one', () => {
    const e = mirrorEntry(skin, 1234, sha('a'), '/data/models/Adult_Human_Skin.pkl');
    assert.deepEqual(e, { name: 'Adult_Human_Skin', file: 'Adult_Human_Skin.pkl', version: skin.version, sha256: sha('a'), size: 1234, url: 'Adult_Human_Skin.pkl', sha256_from: 'first-download', copied_from: '/data/models/Adult_Human_Skin.pkl' });
    assert.equal(mirrorEntry(low, 2824990, low.sha256!, low.url).sha256_from, 'catalog');
    assert.throws(() => mirrorEntry(low, 10, sha('b'), 'x/Immune_All_Low.pkl'), /Immune_All_Low v2 from x\/Immune_All_Low.pkl has sha256 bbbbbbbbbbbb…, not the catalog's 290874d35dac…: not mirrored/);
  });
  it('merges by name, sorted, and validates what it reads', () => {
    const a = mergeMirror(null, [mirrorEntry(skin, 1, sha('a'), 's')], reg.catalog_url, new Date(0));
    const b = mergeMirror(a, [mirrorEntry(low, 2, low.sha256!, 'l'), mirrorEntry(skin, 3, sha('c'), 's2')], reg.catalog_url);
    assert.deepEqual(b.models.map((m) => [m.name, m.size]), [['Adult_Human_Skin', 3], ['Immune_All_Low', 2]]);
    assert.equal(parseMirror(JSON.parse(JSON.stringify(b))).models.length, 2);
    assert.throws(() => parseMirror({ format: 1, models: [] }), /not a celltypist-wasm mirror/);
    const bad = (over: object) => ({ ...b, models: [{ ...b.models[0], ...over }] });
    for (const url of ['https://x/a.pkl', '/abs.pkl', '../up.pkl', 'a/../../b.pkl', 'file:///etc/passwd']) assert.throws(() => parseMirror(bad({ url })), /must be relative to registry.json/, url);
    assert.equal(parseMirror(bad({ url: 'sub/a.pkl' })).models[0].url, 'sub/a.pkl');
    assert.throws(() => parseMirror(bad({ sha256: 'xyz' })), /64 hex digits/);
  });
  it('gives mirrored models a local copy; other versions and other checksums are not used', () => {
    const m = mergeMirror(null, [mirrorEntry(skin, 5, sha('d'), 's'), mirrorEntry(low, 2824990, low.sha256!, 'l')], reg.catalog_url);
    m.models.push({ ...m.models[0], name: 'Not_In_Catalog' }, { ...m.models[0], name: 'Immune_All_High', version: 'v1' });
    const applied = applyMirror(reg, m, 'https://lab.example.org/celltypist/models/registry.json');
    assert.deepEqual([...applied.mirrored].sort(), ['Adult_Human_Skin', 'Immune_All_Low']);
    const s = findModel(applied.registry, 'Adult_Human_Skin');
    assert.equal(s.local_copy, 'https://lab.example.org/celltypist/models/Adult_Human_Skin.pkl');
    assert.equal(s.sha256, sha('d'));
    assert.equal(s.url, skin.url, 'the catalog URL stays (the fallback link)');
    assert.equal(findModel(applied.registry, 'Immune_All_High').local_copy, undefined);
    assert.deepEqual(applied.warnings, ['the model mirror has Not_In_Catalog, which is not in the catalog: not used', 'the model mirror has Immune_All_High v1, the catalog v2: the catalog\'s is used']);
    const wrong = mergeMirror(null, [{ ...mirrorEntry(low, 1, low.sha256!, 'l'), sha256: sha('e') }], reg.catalog_url);
    const w = applyMirror(reg, wrong, 'file:///srv/models/registry.json');
    assert.equal(w.mirrored.size, 0);
    assert.match(w.warnings[0], /Immune_All_Low v2 has sha256 eeeeeeeeeeee…, not the catalog's 290874d35dac…: not used/);
    assert.equal(MIRROR_KIND, 'celltypist-wasm model mirror');
  });
});
