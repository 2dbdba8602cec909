// openInputFiles' choice of reader for an .h5ad: the direct reader where synchronous file reads
// exist (workers: FileReaderSync), else the caller's h5wasm opener, never an error of its own.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sharedPath } from '../testing/fixtures.ts';
import type { H5File } from '../h5ad/read.ts';
import { openInputFiles } from './open-browser.ts';

const bytes = readFileSync(sharedPath('fixtures/synthetic/query_1k.h5ad'));
const file = () => new File([bytes], 'query_1k.h5ad');

/** FileReaderSync as workers have it, over Node's Blob (synchronous here through a pre-read copy). */
class FakeFileReaderSync {
  readAsArrayBuffer(blob: Blob & { _bytes?: Uint8Array }): ArrayBuffer {
    const b = blob._bytes!;
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }
}

describe('openInputFiles (browser inputs) for .h5ad', () => {
  it('reads the file with the direct reader in a worker, without h5wasm', async () => {
    const f = file();
    // Slices of this File carry their bytes, so that the fake FileReaderSync can return them at once.
    const slice = f.slice.bind(f);
    (f as unknown as { slice: File['slice'] }).slice = (start?: number, end?: number) => Object.assign(slice(start, end), { _bytes: bytes.subarray(start ?? 0, end ?? bytes.length) });
    (globalThis as unknown as { FileReaderSync?: unknown }).FileReaderSync = FakeFileReaderSync;
    try {
      const reader = await openInputFiles([f], { openHdf5: () => Promise.reject(new Error('h5wasm was asked for')) });
      assert.equal(reader.summary.n_obs, 1000);
      assert.equal(reader.obsNames().length, 1000);
      reader.close();
    } finally {
      delete (globalThis as unknown as { FileReaderSync?: unknown }).FileReaderSync;
    }
  });

  it('leaves the file to the h5wasm opener where synchronous reads do not exist', async () => {
    let asked = 0;
    const fake = { keys: () => [], get: () => null, type: 'Group', attrs: {}, close: () => undefined } as unknown as H5File;
    await assert.rejects(
      openInputFiles([file()], { openHdf5: async () => (asked++, fake) }),
      /neither an AnnData .h5ad/, // what the stub file holds: nothing
    );
    assert.equal(asked, 1);
  });
});
