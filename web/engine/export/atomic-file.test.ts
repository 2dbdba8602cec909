// AtomicFile's background writes: order kept, bounded backlog, failures thrown as the one clear
// message, nothing left behind when discarded.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AtomicFile } from './atomic-file.ts';
import { CellTypistError } from '../types.ts';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'ct-atomic-'));

describe('AtomicFile background writes', () => {
  it('keeps the order of writes, copies the bytes at once, commits after drain', async () => {
    const dir = tmp();
    const f = new AtomicFile(path.join(dir, 't.csv'));
    const view = new Uint8Array(3);
    let want = '';
    for (let i = 0; i < 500; i++) {
      view.set([97 + (i % 26), 48 + (i % 10), 10]); // the caller reuses its buffer at once
      f.writeInBackground(view);
      want += String.fromCharCode(97 + (i % 26), 48 + (i % 10), 10);
      if (i % 50 === 0) await f.drain(64);
    }
    assert.throws(() => f.commit(), /still running/); // not before the bytes are on disk
    await f.drain();
    f.commit();
    assert.equal(readFileSync(path.join(dir, 't.csv'), 'utf8'), want);
    assert.equal(f.bytes, want.length);
    assert.deepEqual(readdirSync(dir), ['t.csv']);
  });

  it('reuses its copy buffers for later writes of other sizes without mixing bytes', async () => {
    const dir = tmp();
    const f = new AtomicFile(path.join(dir, 'r.csv'));
    const parts: Buffer[] = [];
    for (let i = 0; i < 60; i++) {
      // Sizes go up and down, so that a later write lands in a larger spare buffer.
      const part = Buffer.alloc(1 + ((i * 7919) % 5000), 65 + (i % 26));
      f.writeInBackground(part);
      parts.push(part);
      if (i % 3 === 2) await f.drain();
    }
    await f.drain();
    f.commit();
    assert.deepEqual(readFileSync(path.join(dir, 'r.csv')), Buffer.concat(parts));
  });

  it('a failed background write is thrown by drain() and the next write; discard removes the file', async () => {
    const dir = tmp();
    const target = path.join(dir, 'full.csv');
    symlinkSync('/dev/full', `${target}.partial`); // every write fails with ENOSPC
    const f = new AtomicFile(target);
    f.writeInBackground(new Uint8Array(10));
    await assert.rejects(f.drain(), (e: unknown) => e instanceof CellTypistError && /disk is full/.test(e.message));
    assert.throws(() => f.writeInBackground(new Uint8Array(1)), /disk is full/);
    f.discard();
    assert.deepEqual(readdirSync(dir), []);
  });

  it('discard while writes wait closes the file after them and leaves nothing', async () => {
    const dir = tmp();
    const f = new AtomicFile(path.join(dir, 'gone.csv'));
    for (let i = 0; i < 20; i++) f.writeInBackground(new Uint8Array(1 << 16));
    f.discard();
    // Removed now or right after the write in flight.
    for (let t = 0; t < 100 && readdirSync(dir).length > 0; t++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(readdirSync(dir), []);
  });
});
