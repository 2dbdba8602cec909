// Numbers as Python's float() reads them, straight from bytes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFloat, parseNumber } from './numbers.ts';

const p = (s: string) => {
  const b = new TextEncoder().encode(s);
  return parseNumber(b, 0, b.length);
};

describe('parseNumber', () => {
  it('integers, decimals, exponents, signs and surrounding blanks', () => {
    assert.equal(p('42'), 42);
    assert.equal(p('-7'), -7);
    assert.equal(p(' 3 '), 3);
    assert.equal(p('2.5'), 2.5);
    assert.equal(p('1e3'), 1000);
    assert.equal(p('+.5'), 0.5);
    assert.equal(p('12345678901234567890'), 12345678901234567890);
  });
  it("Python's spellings of inf and nan; rejects what float() rejects", () => {
    assert.equal(p('inf'), Infinity);
    assert.equal(p('-Infinity'), -Infinity);
    assert.ok(Number.isNaN(p('NaN')!));
    for (const bad of ['', ' ', 'abc', '0x10', '1,5', '-', 'GAPDH']) assert.equal(p(bad), undefined, bad);
  });
  it('isFloat spots header rows and row names like scanpy', () => {
    assert.equal(isFloat('GENE1'), false);
    assert.equal(isFloat('3.0'), true);
  });
});
