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
});
