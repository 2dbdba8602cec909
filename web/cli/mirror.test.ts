// models --mirror: copies from a folder, a base URL or the catalog URLs, checks known sha256,
// records unknown ones, keeps an old copy that a new one contradicts; --model-mirror reads it back.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fetchModel } from '../engine/models/fetch.ts';
import { FileStore } from '../engine/models/file-store.ts';
import { findModel, parseRegistry, type Registry } from '../engine/models/registry.ts';
import { repoPath, sharedPath } from '../engine/testing/fixtures.ts';
import { mirrorCommand, readMirror, writeMirror } from './mirror.ts';
import { MODEL_MIRROR_ENV, mirrorFetch, withModelMirror } from './model-mirror.ts';

const toy = readFileSync(sharedPath('fixtures/models/toy_lr.pkl'));
const toySha = createHash('sha256').update(toy).digest('hex');
const shipped = parseRegistry(JSON.parse(readFileSync(repoPath('models/registry.json'), 'utf8')));
const tmp = (p: string) => mkdtempSync(path.join(tmpdir(), p));
/** A folder of .pkl files named as in the catalog (stand-ins: the toy model). */
function sourceFolder(files: Record<string, Uint8Array>) {
  const dir = tmp('ctw-src-');
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(dir, name), bytes);
  return dir;
}
/** A loopback file server for `webRoot` (a base URL source and a served mirror). */
let web: { url: string; server: http.Server };
let webRoot: string;
before(async () => {
  webRoot = tmp('ctw-web-');
  const server = http.createServer((req, res) => {
    const file = path.join(webRoot, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!file.startsWith(webRoot) || !existsSync(file) || statSync(file).isDirectory()) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Length': String(statSync(file).size) });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  web = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
});
after(() => web?.server.close());

describe('models --mirror', () => {
  it('copies from a folder: an unknown sha256 is recorded, registry.json lists name, version, sha256, size, relative URL', async () => {
    const dir = path.join(tmp('ctw-mirror-'), 'models');
    const lines: string[] = [];
    const r = await writeMirror({ dir, names: ['Adult_Human_Skin'], from: sourceFolder({ 'Adult_Human_Skin.pkl': toy }), registry: shipped, log: (l) => lines.push(l) });
    assert.deepEqual(r.failed, []);
    const reg = readMirror(dir)!;
    assert.equal(reg.kind, 'celltypist-wasm model mirror');
    assert.deepEqual(
      reg.models.map(({ name, version, sha256, size, url, sha256_from }) => ({ name, version, sha256, size, url, sha256_from })),
      [{ name: 'Adult_Human_Skin', version: findModel(shipped, 'Adult_Human_Skin').version, sha256: toySha, size: toy.length, url: 'Adult_Human_Skin.pkl', sha256_from: 'first-download' }],
    );
    assert.deepEqual(readFileSync(path.join(dir, 'Adult_Human_Skin.pkl')), toy);
    assert.match(lines[0], /Adult_Human_Skin v\d: 125,325 bytes, sha256 [0-9a-f]{12}… \(no known sha256: recorded as copied\) from \//);
  });
  it('refuses a file that differs from the known sha256 and names a missing one; the others are still mirrored', async () => {
    const dir = tmp('ctw-mirror-');
    const err: string[] = [];
    const stderr = { write: (s: string) => (err.push(s), true) } as unknown as NodeJS.WritableStream;
    const code = await mirrorCommand({ dir, names: ['Immune_All_Low', 'Immune_All_High', 'Adult_Human_Skin'], from: sourceFolder({ 'Immune_All_Low.pkl': toy, 'Adult_Human_Skin.pkl': toy }), registry: shipped }, stderr);
    assert.equal(code, 1);
    const text = err.join('');
    assert.match(text, /error: Immune_All_Low: Immune_All_Low v2 from \S+ has sha256 [0-9a-f]{12}…, not the catalog's 290874d35dac…: not mirrored/);
    assert.match(text, /error: Immune_All_High: no \S+Immune_All_High\.pkl: files in --from \S+ must be named as in the catalog \(Immune_All_High\.pkl\)/);
    assert.match(text, /wrote \S+registry\.json: 1 model \(Adult_Human_Skin\)\nserve this folder as models\/ beside the app's index\.html/);
  });
  it('from a base URL and from the catalog (the default model), through the cache; a later different copy keeps the old file', async () => {
    mkdirSync(path.join(webRoot, 'pkl'), { recursive: true });
    copyFileSync(sharedPath('fixtures/models/toy_lr.pkl'), path.join(webRoot, 'pkl', 'Adult_Human_Skin.pkl'));
    const store = new FileStore(tmp('ctw-cache-'));
    const dir = tmp('ctw-mirror-');
    const log = () => {};
    const a = await writeMirror({ dir, names: ['adult_human_skin'], from: `${web.url}pkl`, registry: shipped, store, log });
    assert.deepEqual(a.failed, []);
    assert.equal(a.entries[0].copied_from, `${web.url}pkl/Adult_Human_Skin.pkl`);
    // The catalog: a registry whose default model is on the local server, known sha256.
    const reg: Registry = { ...shipped, models: shipped.models.map((m) => (m.default ? { ...m, url: `${web.url}pkl/Adult_Human_Skin.pkl`, sha256: toySha } : m)) };
    const b = await writeMirror({ dir, names: [], registry: reg, store, log });
    assert.deepEqual(b.entries.map((e) => [e.name, e.sha256_from]), [['Immune_All_Low', 'catalog']]);
    assert.deepEqual(readMirror(dir)!.models.map((e) => e.name), ['Adult_Human_Skin', 'Immune_All_Low']);
    // The source now has other bytes for a model with no known sha256: the mirror keeps its copy.
    writeFileSync(path.join(webRoot, 'pkl', 'Adult_Human_Skin.pkl'), readFileSync(sharedPath('fixtures/models/toy_sgd.pkl')));
    const c = await writeMirror({ dir, names: ['Adult_Human_Skin'], from: `${web.url}pkl/`, registry: shipped, store: new FileStore(tmp('ctw-cache-')), log });
    assert.match(c.warnings.join('\n'), /Adult_Human_Skin v\d from \S+ has sha256 [0-9a-f]{12}…, but the copy already in \S+ has [0-9a-f]{12}…: kept the old file/);
    assert.deepEqual(readFileSync(path.join(dir, 'Adult_Human_Skin.pkl')), toy);
    assert.equal(readMirror(dir)!.models.find((e) => e.name === 'Adult_Human_Skin')!.sha256, toySha);
  });
});

describe('--model-mirror DIR|URL', () => {
  it('a folder: models come from it, verified against its sha256, and the cache is filled', async () => {
    const dir = tmp('ctw-mirror-');
    await writeMirror({ dir, names: ['Adult_Human_Skin'], from: sourceFolder({ 'Adult_Human_Skin.pkl': toy }), registry: shipped, log: () => {} });
    const { registry, mirrored, warnings } = await withModelMirror(shipped, dir);
    assert.deepEqual([...mirrored], ['Adult_Human_Skin']);
    assert.deepEqual(warnings, []);
    const m = findModel(registry, 'Adult_Human_Skin');
    assert.equal(m.sha256, toySha);
    const got = await fetchModel(m, { store: new FileStore(tmp('ctw-cache-')), fetchImpl: mirrorFetch });
    assert.equal(got.from, m.local_copy);
    assert.match(got.from, /^file:\/\/.*Adult_Human_Skin\.pkl$/);
    assert.equal(got.trust, 'known');
  });
  it('a URL, and the environment variable; an unreadable URL falls back with a warning, a folder without registry.json is an error', async () => {
    const dir = path.join(webRoot, 'mirror');
    await writeMirror({ dir, names: ['Adult_Human_Skin'], from: sourceFolder({ 'Adult_Human_Skin.pkl': toy }), registry: shipped, log: () => {} });
    process.env[MODEL_MIRROR_ENV] = `${web.url}mirror`;
    try {
      const { registry } = await withModelMirror(shipped);
      assert.equal(findModel(registry, 'Adult_Human_Skin').local_copy, `${web.url}mirror/Adult_Human_Skin.pkl`);
    } finally {
      delete process.env[MODEL_MIRROR_ENV];
    }
    const gone = await withModelMirror(shipped, `${web.url}nothing-here/`);
    assert.match(gone.warnings[0], /the model mirror \S+ \(--model-mirror\) could not be read: .*answered HTTP 404.*; using the catalog's URLs/);
    await assert.rejects(withModelMirror(shipped, tmp('ctw-empty-')), /--model-mirror \S+: there is no \S+registry\.json; write the mirror with 'celltypist-wasm models --mirror/);
  });
});

describe('the command line', () => {
  it('models --mirror DIR NAME --from FOLDER, then annotate and models --show with --model-mirror DIR, without the network', () => {
    const work = tmp('ctw-cmd-');
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: '/usr/share/nodejs', CELLTYPIST_WASM_CACHE: path.join(work, 'cache') };
    delete env[MODEL_MIRROR_ENV];
    const run = (args: string[], extra: Record<string, string> = {}) => spawnSync(process.execPath, [repoPath('web/cli/bin.mjs'), ...args], { encoding: 'utf8', env: { ...env, ...extra } });
    const dir = path.join(work, 'models');
    const m = run(['models', '--mirror', dir, 'Adult_Human_Skin', '--from', sourceFolder({ 'Adult_Human_Skin.pkl': toy })]);
    assert.equal(m.status, 0, m.stderr);
    assert.match(m.stderr, /Adult_Human_Skin v\d: 125,325 bytes, sha256 [0-9a-f]{12}… \(no known sha256: recorded as copied\)/);
    assert.equal(readMirror(dir)!.models[0].sha256, toySha);
    const out = path.join(work, 'out');
    const a = run(['annotate', '-i', sharedPath('fixtures/synthetic/query_1k.h5ad'), '-m', 'Adult_Human_Skin', '--model-mirror', dir, '-o', out, '--no-matrices']);
    assert.equal(a.status, 0, a.stderr);
    assert.match(a.stderr, /model Adult_Human_Skin v\d from the model mirror \(\S+Adult_Human_Skin\.pkl\) \(sha256 verified\)/);
    // Cached now: the environment variable names the mirror, the cache answers.
    const s = run(['models', '--show', 'Adult_Human_Skin'], { [MODEL_MIRROR_ENV]: dir });
    assert.equal(s.status, 0, s.stderr);
    assert.match(s.stdout, /^Adult_Human_Skin: LogisticRegression, 6 cell types, 1,495 genes/);
    const bad = run(['models', '--show', 'Adult_Human_Skin', '--model-mirror', path.join(work, 'nothing')]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /error: --model-mirror \S+nothing: there is no \S+registry\.json; write the mirror with 'celltypist-wasm models --mirror/);
    assert.match(run(['models', '--from', dir]).stderr, /--from goes with --mirror DIR/);
  });
});
