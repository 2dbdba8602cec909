// The cached, faster-loading copy of h5wasm's Node build: same binary, a loader that reads it from
// a file, written once, and h5wasm as installed whenever anything is unexpected.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { slimH5wasmEntry, slimSources } from './h5wasm-slim.ts';
import { sharedPath } from '../testing/fixtures.ts';

const original = path.join(path.dirname(fileURLToPath(import.meta.resolve('h5wasm/node'))), 'hdf5_util.js');
const tmp = () => mkdtempSync(path.join(tmpdir(), 'ct-h5slim-'));

describe('h5wasm slim copy', () => {
  it('splits the script into a loader without the binary and the valid binary', () => {
    const script = readFileSync(original, 'utf8');
    const slim = slimSources(script);
    assert.ok(slim, "h5wasm's script has the expected layout");
    assert.deepEqual([...slim.wasm.subarray(0, 4)], [0, 0x61, 0x73, 0x6d]); // \0asm
    assert.ok(slim.wasm.length > 1_000_000);
    assert.ok(slim.script.length < script.length / 10);
    assert.ok(slim.script.includes('readFileSync(new URL("./hdf5_util.wasm",import.meta.url))'));
  });

  it('refuses a script of another layout', () => {
    assert.equal(slimSources('function Module(){}'), null);
    assert.equal(slimSources("function findWasmBinary(){return binaryDecode('abc')}"), null); // no decoder
    const twice = "function binaryDecode(b){return b}function findWasmBinary(){return binaryDecode('a')}function findWasmBinary(){return binaryDecode('a')}";
    assert.equal(slimSources(twice), null);
  });

  it('is written once and reads files like h5wasm', async () => {
    const dir = tmp();
    const entry = slimH5wasmEntry(dir);
    assert.ok(entry && entry.startsWith(dir));
    const written = statSync(entry).mtimeMs;
    assert.equal(slimH5wasmEntry(dir), entry);
    assert.equal(statSync(entry).mtimeMs, written);
    const h5 = (await import(pathToFileURL(entry).href)) as typeof import('h5wasm/node');
    await h5.default.ready;
    const f = new h5.default.File(sharedPath('fixtures/synthetic/query_1k.h5ad'), 'r');
    try {
      assert.equal((f.get('X/indptr') as unknown as { shape: number[] }).shape[0], 1001);
    } finally {
      f.close();
    }
  });

  it('a damaged copy gives way to h5wasm as installed, and is removed', () => {
    const models = tmp();
    const entry = slimH5wasmEntry(path.join(models, '.h5wasm'))!; // where the engine looks with this cache
    writeFileSync(path.join(path.dirname(entry), 'hdf5_util.wasm'), 'not wasm');
    const engine = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'h5wasm-node.ts')).href;
    const script = `const { h5wasmNode } = await import(${JSON.stringify(engine)});
const h5 = await h5wasmNode();
const f = new h5.default.File(${JSON.stringify(sharedPath('fixtures/synthetic/query_1k.h5ad'))}, 'r');
console.log(f.get('X/indptr').shape[0]);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, CELLTYPIST_WASM_CACHE: models } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '1001');
    assert.equal(existsSync(entry), false); // rewritten by the next run
  });

  it('keeps the newest copies only (each h5wasm upgrade writes a new one)', () => {
    const dir = tmp();
    const old = ['100-1', '100-2', '100-3', '100-4'].map((name, i) => {
      const d = path.join(dir, name);
      mkdirSync(d);
      utimesSync(d, 1000 + i, 1000 + i);
      return d;
    });
    const entry = slimH5wasmEntry(dir)!;
    assert.ok(existsSync(entry));
    // The new copy and the two newest old ones (a second install in use keeps its copy).
    assert.deepEqual(
      old.map((d) => existsSync(d)),
      [false, false, true, true],
    );
  });

  it('gives up quietly when the cache cannot be written', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'file'), 'x');
    assert.equal(slimH5wasmEntry(path.join(dir, 'file', 'cache')), null);
    assert.equal(slimH5wasmEntry('/proc/no/such/cache'), null); // returns (mkdir -p never does there)
  });
});
