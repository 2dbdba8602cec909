// Incremental lines: CRLF, BOM, no final newline, lines longer than a block, gzip (also
// multi-member, as bgzip writes) and truncated gzip.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { bytesSource } from './byte-source.ts';
import { LineReader, text } from './lines.ts';

function all(bytes: Uint8Array): string[] {
  const r = new LineReader(bytesSource(bytes, 'x.txt'));
  const out: string[] = [];
  for (let l = r.next(); l; l = r.next()) out.push(text(l));
  return out;
}
const enc = (s: string) => new TextEncoder().encode(s);

describe('LineReader', () => {
  it('splits LF and CRLF lines, drops a BOM, keeps a last line without newline', () => {
    assert.deepEqual(all(enc('\ufeffa,b\r\nc\n\nd')), ['a,b', 'c', '', 'd']);
  });
  it('reads lines longer than its block', () => {
    const long = 'x'.repeat(3 << 20);
    assert.deepEqual(all(enc(`${long}\nshort\n`)).map((l) => l.length), [long.length, 5]);
  });
  it('inflates gzip, multi-member gzip, and restarts from the top', () => {
    const body = Array.from({ length: 50000 }, (_, i) => `line ${i}`).join('\n') + '\n';
    assert.equal(all(gzipSync(enc(body))).length, 50000);
    const multi = Buffer.concat([gzipSync(enc('a\nb\n')), gzipSync(enc('c\n'))]);
    assert.deepEqual(all(multi), ['a', 'b', 'c']);
    const r = new LineReader(bytesSource(gzipSync(enc('1\n2\n')), 'y.gz'));
    r.next();
    r.next();
    r.reset();
    assert.equal(text(r.next()!), '1');
    assert.equal(r.lineNo, 1);
  });
  it('names a truncated gzip file', () => {
    const gz = gzipSync(enc(Array.from({ length: 100000 }, (_, i) => `${i * 7919}`).join('\n')));
    assert.throws(() => all(gz.subarray(0, gz.length >> 1)), /x\.txt is not valid gzip data|x\.txt.*truncated/);
  });
});
