// Trust on first use: a model with no known sha256 has its first download's recorded (in the
// store: the CLI's cache folder here); later downloads that differ warn and keep the old file.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fetchModel, sha256Hex } from './fetch.ts';
import { FileStore } from './file-store.ts';
import type { RegistryModel } from './registry.ts';
import { readRecord } from './trust.ts';

const model: RegistryModel = {
  name: 'Adult_Human_Skin',
  file: 'Adult_Human_Skin.pkl',
  url: 'https://celltypist.cog.sanger.ac.uk/models/Adult_Human_Skin/v1/Adult_Human_Skin.pkl',
  mirrors: [],
  version: 'v1',
  date: '',
  details: '',
  n_cell_types: 1,
  source: '',
  default: false,
  size: null,
  sha256: null,
};

/** A fetch that serves `current.bytes` for every URL and counts requests. */
function server(bytes: Uint8Array) {
  const s = { bytes, requests: 0, fetchImpl: (async () => (s.requests++, new Response(s.bytes as unknown as BodyInit))) as unknown as typeof fetch };
  return s;
}

describe('trust on first use', () => {
  const first = new TextEncoder().encode('first file');
  const second = new TextEncoder().encode('another file');
  it('records the first download, and keeps the old file when a later one differs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ctw-tofu-'));
    const store = new FileStore(dir);
    const s = server(first);
    const a = await fetchModel(model, { store, fetchImpl: s.fetchImpl });
    assert.equal(a.trust, 'first-use');
    assert.equal(await readRecord(store, 'Adult_Human_Skin@v1'), await sha256Hex(first));
    assert.equal(readFileSync(path.join(dir, 'Adult_Human_Skin@v1.sha256'), 'utf8').trim(), await sha256Hex(first));
    assert.deepEqual(await store.list(), ['Adult_Human_Skin@v1'], 'the record is not listed as a model');

    // Same bytes again: matches the record.
    const b = await fetchModel(model, { store, fetchImpl: s.fetchImpl, refresh: true });
    assert.equal(b.trust, 'recorded');
    assert.equal(b.warning, undefined);

    // The host now serves other bytes: warned, the earlier file kept.
    s.bytes = second;
    const c = await fetchModel(model, { store, fetchImpl: s.fetchImpl, refresh: true });
    assert.deepEqual(c.bytes, first);
    assert.equal(c.from, 'cache');
    assert.match(c.warning!, /model Adult_Human_Skin v1 from https:\/\/celltypist\S+ has sha256 [0-9a-f]{12}…, but its first download here had [0-9a-f]{12}…: kept the earlier file \(to accept the new one, delete .*Adult_Human_Skin@v1\.sha256 and the cached model\)/);
    assert.deepEqual(new Uint8Array(readFileSync(path.join(dir, 'Adult_Human_Skin@v1.pkl'))), first);

    // The cached file gone: the different download is refused, naming the record to delete.
    rmSync(path.join(dir, 'Adult_Human_Skin@v1.pkl'));
    await assert.rejects(fetchModel(model, { store, fetchImpl: s.fetchImpl }), /has sha256 .* but its first download here had .*; not used \(if the model changed upstream, delete .*Adult_Human_Skin@v1\.sha256\)/);
    assert.ok(!existsSync(path.join(dir, 'Adult_Human_Skin@v1.pkl')));
    s.bytes = first;
    assert.equal((await fetchModel(model, { store, fetchImpl: s.fetchImpl })).trust, 'recorded');
  });
  it('a known sha256 is checked instead, and nothing is recorded', async () => {
    const store = new FileStore(mkdtempSync(path.join(tmpdir(), 'ctw-tofu-')));
    const s = server(first);
    const r = await fetchModel({ ...model, sha256: await sha256Hex(first) }, { store, fetchImpl: s.fetchImpl });
    assert.equal(r.trust, 'known');
    assert.equal(await readRecord(store, 'Adult_Human_Skin@v1'), null);
  });
  it('a copy on a mirror is tried before the catalog URL', async () => {
    const store = new FileStore(mkdtempSync(path.join(tmpdir(), 'ctw-tofu-')));
    const asked: string[] = [];
    const fetchImpl = (async (u: string) => (asked.push(u), new Response(first as unknown as BodyInit))) as unknown as typeof fetch;
    const r = await fetchModel({ ...model, local_copy: 'https://lab.example.org/models/Adult_Human_Skin.pkl' }, { store, fetchImpl });
    assert.equal(r.from, 'https://lab.example.org/models/Adult_Human_Skin.pkl');
    assert.deepEqual(asked, ['https://lab.example.org/models/Adult_Human_Skin.pkl']);
  });
});
