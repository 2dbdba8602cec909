/**
 * An HDF5 file written front to back without a random-access file to stage it on: where the browser
 * has no storage room for the file (a private window's small, in-memory quota; no origin-private
 * file system), the annotated .h5ad is written twice by the same deterministic writer.
 *
 * Pass 1 (`LayoutRecorder`): every write is recorded in order: its position and length, and the
 * bytes of the small ones (HDF5's metadata, which it may read back and rewrites at close); the
 * bytes of large writes (the data) are dropped. The result (`FileLayout`) is the file's exact size
 * and, for every byte, which write put its final value there.
 *
 * HDF5 reads back two kinds of large written parts (measured at 200k cells × 98 types, and in
 * replay-file.test.ts): (1) a variable-length string dataset (obs/var names, string columns) is
 * contiguous; HDF5 fills its 16-byte references with zeros when it allocates them, then for each
 * 1 MB strip of its type conversion reads the strip back as the conversion's background and writes
 * it converted: a large write of zeros is therefore kept as “zeros” (no bytes). (2) Metadata is
 * read speculatively (512 bytes for an object header), so a small object placed just before a data
 * part reads the first bytes of that part: a large write that does not directly follow another
 * large one keeps its first HEAD_BYTES (one per dataset or gap, not per chunk). Any other read of
 * a large part stops the export with a clear message.
 *
 * Pass 2 (`ReplayStreamer`): the writer runs again; each write must repeat pass 1's (same place,
 * same length, same bytes for the small ones), and the file is emitted in order as soon as it is
 * known: metadata from pass 1's record, data from pass 2's writes as they come, zeros for holes.
 * HDF5 writes the data in file order, so little waits (bounded: `maxPending`). Any difference
 * between the passes, or a large part read back, stops the export with an error: the streamed
 * download is then failed, never handed over short or wrong.
 */
import type { RandomAccessBackend } from '../h5ad/random-access-fs.ts';
import { CellTypistError } from '../types.ts';
import { firstEndingAfter } from './extents.ts';

/** Writes up to this size keep their bytes (HDF5 metadata); larger ones are data. */
export const KEEP_BYTES = 1 << 16;
/** Bytes kept at the start of a large write that follows metadata or a hole (speculative reads). */
export const HEAD_BYTES = 1 << 12;

interface Op {
  at: number;
  len: number;
  /** A truncation to `at` (len 0). */
  trunc?: boolean;
  /** Hash of a small write's bytes (both passes compare them). */
  hash?: number;
  /** Bytes of a small write, kept while some part of the file still holds them. */
  bytes?: Uint8Array;
  small?: boolean;
  /** A large write of zeros (HDF5's fill of a dataset it allocates): read back as zeros. */
  zero?: boolean;
  /** The first bytes of a large write that follows metadata or a hole, kept like `bytes`. */
  head?: Uint8Array;
}

/** A stretch of the file whose current bytes come from write `op`, from its byte `from`. */
interface Extent {
  start: number;
  end: number;
  op: number;
  from: number;
}

export interface FileLayout {
  /** The file's final size in bytes. */
  size: number;
  ops: Op[];
  /** Final extents, in file order. */
  extents: Extent[];
}

const diverged = (what: string) =>
  new CellTypistError('export_replay', `the streamed .h5ad could not be written (${what}): export it where the browser can store the whole file (a normal window, or “Ask where to save”), or use the command line`);

/** FNV-1a and a second multiplicative mix of the bytes, folded: equal writes, equal hashes. */
function hashBytes(b: Uint8Array): number {
  let h1 = 0x811c9dc5;
  let h2 = b.length;
  for (let i = 0; i < b.length; i++) {
    h1 = Math.imul(h1 ^ b[i], 0x01000193);
    h2 = Math.imul(h2 + b[i], 0x9e3779b1) ^ (h2 >>> 15);
  }
  return (h1 ^ Math.imul(h2, 0x85ebca6b)) >>> 0;
}

/** Whether every byte is 0 (stops at the first other byte: data answers at once). */
function allZero(b: Uint8Array): boolean {
  const words = b.byteOffset % 4 === 0 ? new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2) : null;
  let i = 0;
  if (words) {
    for (let k = 0; k < words.length; k++) if (words[k] !== 0) return false;
    i = words.length << 2;
  }
  for (; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** A write as both passes record it (small ones hashed, their bytes kept). */
function opOf(src: Uint8Array, at: number): Op {
  if (src.length > KEEP_BYTES) return allZero(src) ? { at, len: src.length, zero: true } : { at, len: src.length };
  const bytes = src.slice();
  return { at, len: src.length, small: true, bytes, hash: hashBytes(bytes) };
}

/**
 * The file's current content as extents over the writes (shared by both passes). Extents are
 * sorted and disjoint; a small write's bytes are dropped once no extent holds any of them.
 */
class ExtentModel {
  extents: Extent[] = [];
  size = 0;
  readonly ops: Op[] = [];
  private refs: number[] = [];

  /**
   * Records a write (`src` is that write's bytes: a large one that does not follow another large
   * part keeps its head).
   */
  apply(op: Op, src?: Uint8Array): void {
    if (src && !op.small && !op.zero) {
      const before = op.at > 0 ? this.extents[firstEndingAfter(this.extents, op.at - 1)] : undefined;
      const followsData = !!before && before.start < op.at && !this.ops[before.op].small;
      if (!followsData) op.head = src.slice(0, HEAD_BYTES);
    }
    const k = this.ops.length;
    this.ops.push(op);
    this.refs.push(0);
    if (op.trunc) {
      if (op.at < this.size) this.cut(op.at, Infinity);
      this.size = op.at;
      return;
    }
    if (op.len === 0) return;
    const i = this.cut(op.at, op.at + op.len);
    this.extents.splice(i, 0, { start: op.at, end: op.at + op.len, op: k, from: 0 });
    this.refs[k]++;
    this.size = Math.max(this.size, op.at + op.len);
  }

  read(dst: Uint8Array, at: number): number {
    const n = Math.max(0, Math.min(dst.length, this.size - at));
    dst.fill(0, 0, n);
    for (let i = firstEndingAfter(this.extents, at); i < this.extents.length; i++) {
      const e = this.extents[i];
      if (e.start >= at + n) break;
      const op = this.ops[e.op];
      const lo = Math.max(at, e.start);
      const hi = Math.min(at + n, e.end);
      if (op.zero) continue;
      const src = op.bytes ?? op.head;
      if (!src || e.from + hi - e.start > src.length) {
        throw diverged(`HDF5 read back a large written part: ${hi - lo} bytes at byte ${lo.toLocaleString('en-US')}, ${(e.from + lo - e.start).toLocaleString('en-US')} bytes into a ${op.len.toLocaleString('en-US')}-byte write, which the two-pass write does not keep`);
      }
      dst.set(src.subarray(e.from + lo - e.start, e.from + hi - e.start), lo - at);
    }
    return n;
  }

  /** Removes [lo, hi) from the extents (splitting the ones across its ends); returns where it was. */
  private cut(lo: number, hi: number): number {
    const first = firstEndingAfter(this.extents, lo);
    let last = first;
    while (last < this.extents.length && this.extents[last].start < hi) last++;
    if (last === first) return first;
    const pieces: Extent[] = [];
    const touched: number[] = [];
    for (let i = first; i < last; i++) {
      const e = this.extents[i];
      this.refs[e.op]--;
      touched.push(e.op);
      if (e.start < lo) pieces.push({ start: e.start, end: lo, op: e.op, from: e.from });
      if (e.end > hi) pieces.push({ start: hi, end: e.end, op: e.op, from: e.from + hi - e.start });
    }
    for (const p of pieces) this.refs[p.op]++;
    this.extents.splice(first, last - first, ...pieces);
    for (const k of touched) {
      if (this.refs[k] === 0) this.ops[k].bytes = this.ops[k].head = undefined;
    }
    return first + pieces.filter((p) => p.start < lo).length;
  }
}

/** Pass 1: records the writes; `layout()` when the writer has closed the file. */
export class LayoutRecorder implements RandomAccessBackend {
  private readonly model = new ExtentModel();

  write(src: Uint8Array, { at }: { at: number }): number {
    this.model.apply(opOf(src, at), src);
    return src.length;
  }
  read(dst: Uint8Array, { at }: { at: number }): number {
    return this.model.read(dst, at);
  }
  truncate(size: number): void {
    this.model.apply({ at: size, len: 0, trunc: true });
  }
  getSize(): number {
    return this.model.size;
  }
  flush(): void {}

  layout(): FileLayout {
    const { size, ops } = this.model;
    return { size, ops, extents: this.model.extents.filter((e) => e.start < size).map((e) => ({ ...e, end: Math.min(e.end, size) })) };
  }
}

export interface ReplayOptions {
  /** Data bytes held while an earlier part of the file waits for its write (default 256 MB). */
  maxPending?: number;
}

/**
 * Pass 2: the same writes again, the file emitted in order through `emit` (called synchronously
 * inside HDF5's writes: queue the bytes, drain them between the writer's chunks).
 */
export class ReplayStreamer implements RandomAccessBackend {
  private readonly model = new ExtentModel();
  private next = 0;
  /** Bytes emitted so far (the next position of the file to emit). */
  emitted = 0;
  private ei = 0;
  /** Data of final extents that arrived before the file reached them, by extent index. */
  private readonly pending = new Map<number, Uint8Array>();
  private pendingBytes = 0;
  /** The final extents each write owns. */
  private readonly byOp = new Map<number, number[]>();
  private readonly maxPending: number;

  constructor(
    private readonly layout: FileLayout,
    private readonly emit: (bytes: Uint8Array) => void,
    o: ReplayOptions = {},
  ) {
    this.maxPending = o.maxPending ?? 256 << 20;
    layout.extents.forEach((e, i) => {
      if (layout.ops[e.op].small) return;
      const list = this.byOp.get(e.op);
      if (list) list.push(i);
      else this.byOp.set(e.op, [i]);
    });
    this.advance();
  }

  private expect(op: Op): void {
    const want = this.layout.ops[this.next];
    if (!want) throw diverged('the second pass wrote more than the first');
    const same = want.at === op.at && want.len === op.len && !!want.trunc === !!op.trunc && want.hash === op.hash;
    if (!same) throw diverged(`write ${this.next} differs between the passes`);
    this.next++;
  }

  write(src: Uint8Array, { at }: { at: number }): number {
    const op = opOf(src, at);
    const k = this.next;
    this.expect(op);
    this.model.apply(op, src);
    for (const i of this.byOp.get(k) ?? []) {
      const e = this.layout.extents[i];
      const part = src.subarray(e.from, e.from + e.end - e.start);
      if (i < this.ei) throw diverged('a part of the file was rewritten after it was sent');
      this.pending.set(i, part);
      this.pendingBytes += part.length;
    }
    this.advance();
    if (this.pendingBytes > this.maxPending) {
      throw diverged(`HDF5 wrote ${(this.pendingBytes / 1e6).toFixed(0)} MB ahead of an unwritten part`);
    }
    return src.length;
  }

  read(dst: Uint8Array, { at }: { at: number }): number {
    return this.model.read(dst, at);
  }

  truncate(size: number): void {
    const op: Op = { at: size, len: 0, trunc: true };
    this.expect(op);
    this.model.apply(op);
  }

  getSize(): number {
    return this.model.size;
  }

  flush(): void {}

  /** Emits what is known from the current position on: metadata, holes, arrived data. */
  private advance(): void {
    const { extents, size, ops } = this.layout;
    while (this.emitted < size) {
      const e = extents[this.ei];
      if (!e || e.start > this.emitted) {
        const gap = Math.min((e ? e.start : size) - this.emitted, 1 << 22);
        this.emit(new Uint8Array(gap));
        this.emitted += gap;
        continue;
      }
      const op = ops[e.op];
      let part: Uint8Array | undefined;
      if (op.small) part = op.bytes!.subarray(e.from, e.from + e.end - e.start);
      else {
        part = this.pending.get(this.ei);
        if (!part) return;
        this.pending.delete(this.ei);
        this.pendingBytes -= part.length;
      }
      this.emit(part);
      this.emitted += part.length;
      this.ei++;
    }
  }

  /** After the writer closed the file: every write repeated and every byte emitted, or an error. */
  finish(): void {
    if (this.next !== this.layout.ops.length) throw diverged(`the second pass made ${this.next} of ${this.layout.ops.length} writes`);
    if (this.emitted !== this.layout.size || this.pending.size) throw diverged(`${this.emitted} of ${this.layout.size} bytes were sent`);
  }
}

/**
 * Runs `fn` with Date.now() stopped at `at`: HDF5 stamps objects with the time of day (Emscripten's
 * time() reads Date.now()), and both passes must write the same bytes. Only for a worker or
 * process doing nothing else meanwhile (the clock is global).
 */
export async function withClockAt<T>(at: number, fn: () => Promise<T>): Promise<T> {
  const now = Date.now;
  Date.now = () => at;
  try {
    return await fn();
  } finally {
    Date.now = now;
  }
}
