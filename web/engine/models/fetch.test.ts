// Model registry and download: served by a local fake CDN from ../shared (no real network).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FakeCdn, startFakeCdn } from '../testing/fake-cdn.ts';
import { repoPath, sharedPath } from '../testing/fixtures.ts';
import { fetchModel, sha256Hex } from './fetch.ts';
import { FileStore } from './file-store.ts';
import { findGeneTable, findModel, modelHosts, parseRegistry, type RegistryModel } from './registry.ts';

const toyBytes = readFileSync(sharedPath('fixtures/models/toy_lr.pkl'));
const toySha = createHash('sha256').update(toyBytes).digest('hex');
let cdn: FakeCdn;

function entry(over: Partial<RegistryModel>): RegistryModel {
  return { name: 'toy_lr', file: 'toy_lr.pkl', url: `${cdn.url}fixtures/models/toy_lr.pkl`, mirrors: [], version: 'v1', date: '', details: '', n_cell_types: 6, source: '', default: false, size: null, sha256: toySha, ...over };
}

before(async () => {
  cdn = await startFakeCdn(path.resolve(sharedPath('.')));
});
after(async () => cdn?.stop());

describe('model registry', () => {
  it('ships the CellTypist catalog with the default model and its checksum', () => {
    const reg = parseRegistry(JSON.parse(readFileSync(repoPath('models/registry.json'), 'utf8')));
    assert.equal(reg.models.length, 61);
    const d = reg.models.filter((m) => m.default);
    assert.deepEqual(d.map((m) => m.name), ['Immune_All_Low']);
    assert.equal(d[0].sha256, '290874d35dac039d4c9218c343fde4aac1077709b72a331ce7266f6828c36502');
    assert.equal(findModel(reg, 'immune_all_low.pkl').n_cell_types, 98);
    // Known values come from ../shared/catalog/known_sha256.json (scripts/make-registry.ts).
    assert.equal(findModel(reg, 'Immune_All_High').sha256, 'a715fec36c2c421f7c4e31cf4cb4bea883eedab7fd7b20a4b76f091c22660448');
    assert.equal(reg.models.filter((m) => m.sha256).length, 2);
    assert.throws(() => findModel(reg, 'Immune_All_Lo'), /no model 'Immune_All_Lo' in the catalog \(did you mean Immune_All_Low/);
    assert.deepEqual(modelHosts(reg), ['https://celltypist.cog.sanger.ac.uk', 'https://raw.githubusercontent.com']);
    // CellTypist's gene tables, pinned to a commit, with the checksums of ../shared/genes.
    for (const t of reg.gene_tables!) {
      assert.match(t.url, /^https:\/\/raw\.githubusercontent\.com\/Teichlab\/celltypist\/[0-9a-f]{40}\/celltypist\/data\/samples\//);
      assert.equal(t.sha256, createHash('sha256').update(readFileSync(sharedPath(`genes/${t.file}`))).digest('hex'));
    }
    assert.equal(findGeneTable(reg, 'Ensembl105_Human2Mouse_Genes').file, 'Ensembl105_Human2Mouse_Genes.csv');
    assert.throws(() => findGeneTable(reg, 'nope'), /no gene table 'nope'/);
  });
  it('rejects malformed registries', () => {
    assert.throws(() => parseRegistry({ format: 2 }), /format 1/);
    assert.throws(() => parseRegistry({ format: 1, models: [{ name: 'x', url: 'ftp://a', mirrors: [], sha256: null }] }), /bad URL/);
  });
});

describe('model download', () => {
  it('streams with progress, verifies sha256, caches, then works offline', async () => {
    const store = new FileStore(mkdtempSync(path.join(tmpdir(), 'ctw-models-')));
    const seen: number[] = [];
    const first = await fetchModel(entry({}), { store, onProgress: (p) => seen.push(p.loaded) });
    assert.equal(first.from, `${cdn.url}fixtures/models/toy_lr.pkl`);
    assert.equal(await sha256Hex(first.bytes), toySha);
    assert.equal(seen.at(-1), toyBytes.length);
    assert.deepEqual(await store.list(), ['toy_lr@v1']);
    const n = cdn.requests.length;
    const second = await fetchModel(entry({}), { store });
    assert.equal(second.from, 'cache');
    assert.equal(cdn.requests.length, n);
  });
  it('falls back to a mirror and refuses a checksum mismatch', async () => {
    const store = new FileStore(mkdtempSync(path.join(tmpdir(), 'ctw-models-')));
    const viaMirror = await fetchModel(entry({ url: `${cdn.url}missing/toy_lr.pkl`, mirrors: [`${cdn.url}fixtures/models/toy_lr.pkl`] }), { store });
    assert.equal(viaMirror.from, `${cdn.url}fixtures/models/toy_lr.pkl`);
    await assert.rejects(fetchModel(entry({ sha256: '0'.repeat(64), version: 'v2' }), { store }), /checksum mismatch .*drop the file in/);
    await assert.rejects(fetchModel(entry({ url: `${cdn.url}nope.pkl`, version: 'v3' }), { store }), /HTTP 404/);
  });
});
