/**
 * Incremental line reading of a (possibly gzip-compressed) text file: blocks are read from a
 * ByteSource on demand and inflated with fflate's streaming Gunzip (synchronous, multi-member),
 * so memory is one block plus the longest line, whatever the file size. Lines come back as byte
 * views (no string per line): numeric fields are parsed straight from the bytes.
 */
import { Gunzip } from 'fflate';
import { CellTypistError } from '../types.ts';
import type { ByteSource } from './byte-source.ts';

const BLOCK = 1 << 20;

/** True when the source starts with the gzip magic bytes. */
export function isGzip(src: ByteSource): boolean {
  const h = src.read(0, 2);
  return h.length === 2 && h[0] === 0x1f && h[1] === 0x8b;
}

export class LineReader {
  /** 1-based number of the line last returned by next(). */
  lineNo = 0;
  /** Compressed bytes consumed so far (for progress). */
  offset = 0;
  readonly gzip: boolean;
  private buf = new Uint8Array(BLOCK);
  private start = 0;
  private end = 0;
  private eof = false;
  private inflater: Gunzip | null = null;
  private inflated: Uint8Array[] = [];

  constructor(readonly src: ByteSource) {
    this.gzip = isGzip(src);
    this.reset();
  }

  /** Back to the first line. */
  reset(): void {
    this.lineNo = 0;
    this.offset = 0;
    this.start = this.end = 0;
    this.eof = false;
    this.inflated = [];
    if (this.gzip) {
      this.inflater = new Gunzip();
      this.inflater.ondata = (chunk) => this.inflated.push(chunk);
    }
  }

  /** The next line without its end-of-line bytes (a view valid until the next call), or null at the end. */
  next(): Uint8Array | null {
    for (;;) {
      const nl = this.buf.subarray(this.start, this.end).indexOf(10);
      if (nl >= 0) {
        const s = this.start;
        let e = s + nl;
        this.start = e + 1;
        if (e > s && this.buf[e - 1] === 13) e--;
        return this.emit(s, e);
      }
      if (this.eof) {
        if (this.start >= this.end) return null;
        const s = this.start;
        let e = this.end;
        this.start = this.end;
        if (e > s && this.buf[e - 1] === 13) e--;
        return this.emit(s, e);
      }
      this.fill();
    }
  }

  private emit(s: number, e: number): Uint8Array {
    this.lineNo++;
    // A UTF-8 byte-order mark before the first line is not part of it.
    if (this.lineNo === 1 && e - s >= 3 && this.buf[s] === 0xef && this.buf[s + 1] === 0xbb && this.buf[s + 2] === 0xbf) s += 3;
    return this.buf.subarray(s, e);
  }

  /** Appends the next block of text after the unread tail. */
  private fill(): void {
    const more = this.readBlock();
    if (more === null) {
      this.eof = true;
      return;
    }
    const tail = this.end - this.start;
    if (tail + more.length > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, tail + more.length));
      grown.set(this.buf.subarray(this.start, this.end));
      this.buf = grown;
    } else {
      this.buf.copyWithin(0, this.start, this.end);
    }
    this.start = 0;
    this.end = tail;
    this.buf.set(more, this.end);
    this.end += more.length;
  }

  private readBlock(): Uint8Array | null {
    if (!this.gzip) {
      if (this.offset >= this.src.size) return null;
      const b = this.src.read(this.offset, BLOCK);
      this.offset += b.length;
      return b.length ? b : null;
    }
    while (this.inflated.length === 0) {
      if (this.offset >= this.src.size) return null;
      const b = this.src.read(this.offset, BLOCK);
      this.offset += b.length;
      try {
        this.inflater!.push(b, this.offset >= this.src.size);
      } catch (e) {
        throw new CellTypistError('corrupt_gzip', `${this.src.name} is not valid gzip data (${(e as Error).message} after ${this.offset.toLocaleString('en-US')} compressed bytes): the file is probably truncated or corrupt; download or compress it again`);
      }
    }
    const parts = this.inflated;
    this.inflated = [];
    if (parts.length === 1) return parts[0];
    const n = parts.reduce((k, p) => k + p.length, 0);
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

const decoder = new TextDecoder();
/** Bytes as text (UTF-8). */
export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
