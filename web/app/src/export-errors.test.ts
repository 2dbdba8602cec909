// Every way an export fails maps to one actionable message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CellTypistError } from '../../engine/types.ts';
import { describeFailure } from './export-errors.ts';

describe('export failure messages', () => {
  it('names the cause and what to do', () => {
    const cases: [unknown, string, RegExp][] = [
      [new DOMException('no space', 'QuotaExceededError'), 'disk_full', /disk is full.*free some disk space.*export again/],
      [new Error('ENOSPC: no space left on device'), 'disk_full', /disk is full/],
      [new RangeError('Array buffer allocation failed'), 'out_of_memory', /refused the memory.*close other tabs.*command line/],
      [new DOMException('denied', 'NotAllowedError'), 'not_allowed', /did not allow writing the file.*choose another folder/],
      [new DOMException('The user aborted a request.', 'AbortError'), 'cancelled', /cancelled; nothing was saved/],
      [new CellTypistError('cancelled', 'annotation cancelled'), 'cancelled', /cancelled/],
      [new CellTypistError('not_h5ad_input', 'needs an .h5ad input'), 'not_h5ad_input', /needs an \.h5ad input/],
      [new Error('weird'), 'export_failed', /export failed \(weird\).*Try again/],
    ];
    for (const [e, code, message] of cases) {
      const f = describeFailure(e);
      assert.equal(f.code, code, String(e));
      assert.match(f.message, message);
    }
    assert.equal(describeFailure(new Error('x'), true).code, 'cancelled');
  });

  it('a full browser storage (OPFS, a private window) is not called a full disk, and no raw count is shown', () => {
    const quota = Object.assign(new Error('the browser’s storage refused to hold more of the file'), { name: 'QuotaExceededError' });
    const f = describeFailure(quota, false, { where: 'opfs', storage: { quota: 10 * 2 ** 30, usage: 1.29e9 } });
    assert.equal(f.code, 'storage_full');
    assert.match(f.message, /^The browser’s storage for this page is full \(it reports 9\.4 GB free of 10\.7 GB, but a private window keeps this storage in memory and holds far less\).*normal \(not private\) window/);
    assert.doesNotMatch(f.message, /disk is full|\d{6,}/);
    assert.equal(describeFailure(quota, false, { where: 'stream' }).code, 'disk_full');
    const cancelled = Object.assign(new Error('x'), { name: 'AbortError', code: 'download_cancelled' });
    assert.match(describeFailure(cancelled).message, /^The download was cancelled in the browser/);
  });
});
