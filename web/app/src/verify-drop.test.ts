// A dropped .pkl checked against the catalog: verified by a known sha256, a warning when a
// catalog name carries other bytes (known or first-use sha256), unchecked without either.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FileStore } from '../../engine/models/file-store.ts';
import { parseRegistry, type Registry } from '../../engine/models/registry.ts';
import { repoPath, sharedPath } from '../../engine/testing/fixtures.ts';
import { writeRecord } from '../../engine/models/trust.ts';
import { checkDroppedModel, modelOfFileName } from './verify-drop.ts';

const toy = new Uint8Array(readFileSync(sharedPath('fixtures/models/toy_lr.pkl')));
const toySha = createHash('sha256').update(toy).digest('hex');
const shipped = parseRegistry(JSON.parse(readFileSync(repoPath('models/registry.json'), 'utf8')));
/** The shipped catalog where Immune_All_Low's known sha256 is the toy model's (a stand-in). */
const withToy: Registry = { ...shipped, models: shipped.models.map((m) => (m.name === 'Immune_All_Low' ? { ...m, sha256: toySha } : m)) };

describe('dropped model files', () => {
  it('finds the catalog model of a downloaded file name', () => {
    for (const n of ['Immune_All_Low.pkl', 'immune_all_low (1).pkl', 'Immune_All_Low-2.pkl']) assert.equal(modelOfFileName(shipped, n)?.name, 'Immune_All_Low', n);
    assert.equal(modelOfFileName(shipped, 'my_model.pkl'), undefined);
  });
  it('a known sha256: verified, whatever the name, and cached as that model', async () => {
    const store = new FileStore(mkdtempSync(path.join(tmpdir(), 'ctw-drop-')));
    const r = await checkDroppedModel('download (3).pkl', toy, withToy, store);
    assert.equal(r.name, 'Immune_All_Low v2, verified');
    assert.equal(r.status, 'verified');
    assert.deepEqual(await store.list(), ['Immune_All_Low@v2']);
  });
  it("a catalog name with other bytes: warned (the catalog's sha256)", async () => {
    const r = await checkDroppedModel('Immune_All_Low.pkl', toy, shipped);
    assert.equal(r.status, 'mismatch');
    assert.equal(r.name, 'Immune_All_Low.pkl');
    assert.match(r.note!, /^Warning: Immune_All_Low\.pkl is named like Immune_All_Low v2, but its sha256 \([0-9a-f]{12}…\) is not the catalog's \(290874d35dac…\): another version, another model or a damaged file\. It is used as given\.$/);
  });
  it('no known sha256: compared with the one recorded at the first download, else unchecked', async () => {
    const store = new FileStore(mkdtempSync(path.join(tmpdir(), 'ctw-drop-')));
    const u = await checkDroppedModel('Adult_Human_Skin.pkl', toy, shipped, store);
    assert.equal(u.status, 'unchecked');
    assert.match(u.note!, /the catalog lists no sha256 for Adult_Human_Skin v\d, so this file could not be checked/);
    await writeRecord(store, `Adult_Human_Skin@${u.model!.version}`, 'f'.repeat(64));
    const w = await checkDroppedModel('Adult_Human_Skin.pkl', toy, shipped, store);
    assert.equal(w.status, 'mismatch');
    assert.match(w.note!, /is not the one recorded at its first download here \(ffffffffffff…\)/);
    assert.equal((await checkDroppedModel('mine.pkl', toy, shipped, store)).status, 'custom');
  });
});
