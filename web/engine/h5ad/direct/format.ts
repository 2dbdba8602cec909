/**
 * The HDF5 file format, as far as AnnData's writers (h5py, default settings) use it: superblocks
 * v0–v3, object headers v1/v2, symbol-table and compact-link groups, compact attributes, and the
 * dataspace, datatype, layout and filter messages of a dataset. Everything else raises
 * `Unsupported`, and the caller reads the file with h5wasm instead.
 *
 * Written from the HDF5 File Format Specification 3.0 (sections II–IV). Pure parsing over a
 * positional byte reader: no platform code, no HDF5 library.
 */

/** A feature this reader does not implement: read the file with h5wasm instead. */
export class Unsupported extends Error {}

/** Decodes the file's names and strings (UTF-8; one decoder for every call, it keeps no state between them). */
export const utf8 = new TextDecoder();

/** Positional reads of the file (Node: pread on a descriptor). */
export interface PositionalReader {
  readonly size: number;
  /** Fills `dest` from the file at `offset`; throws if the file ends first. */
  readInto(offset: number, dest: Uint8Array): void;
  /**
   * Bytes [offset, offset + length) in a buffer of their own (the browser's FileReaderSync
   * result as it comes: no copy into a destination); throws if the file ends first.
   */
  read?(offset: number, length: number): Uint8Array;
  /**
   * zlib decompression (Node: zlib.inflateSync), for gzip-compressed datasets; without it such
   * files are left to h5wasm.
   */
  inflate?(bytes: Uint8Array): Uint8Array;
  /**
   * Starts reading the file extents [offset, length] that the next reads will ask for (a browser
   * reads them in parallel while the current chunk is worked on); resolves when they are in
   * memory. Readers without it read on demand only.
   */
  prefetch?(extents: ReadonlyArray<readonly [number, number]>): Promise<void>;
}

const UNDEFINED = Number.MAX_SAFE_INTEGER;

/** Little-endian cursor over bytes read from the file at `base`. */
export class Cursor {
  private readonly dv: DataView;
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new Unsupported('truncated structure');
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }
  u16(): number {
    this.need(2);
    const v = this.dv.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  /** An unsigned 8-byte integer; all ones (HDF5's undefined address) and values beyond 2^53 give UNDEFINED. */
  u64(): number {
    this.need(8);
    const lo = this.dv.getUint32(this.pos, true);
    const hi = this.dv.getUint32(this.pos + 4, true);
    this.pos += 8;
    return hi >= 0x200000 ? UNDEFINED : hi * 2 ** 32 + lo;
  }
  /** An unsigned integer of `n` bytes (1, 2, 4 or 8). */
  uint(n: number): number {
    return n === 1 ? this.u8() : n === 2 ? this.u16() : n === 4 ? this.u32() : this.u64();
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  signature(s: string): void {
    for (let i = 0; i < s.length; i++) if (this.u8() !== s.charCodeAt(i)) throw new Unsupported(`expected a ${s} structure`);
  }
}

export const isUndefined = (address: number) => address === UNDEFINED;

/** Where the root group's object header is, and where addresses start. */
export interface Superblock {
  base: number;
  root: number;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Finds and reads the superblock (at 0, or after a user block of 512, 1024, ... bytes). */
export function readSuperblock(file: PositionalReader, read: (at: number, n: number) => Uint8Array): Superblock {
  for (let at = 0; at + 64 <= file.size; at = at === 0 ? 512 : at * 2) {
    const head = read(at, Math.min(256, file.size - at));
    if (!SIGNATURE.every((b, i) => head[i] === b)) continue;
    const c = new Cursor(head, 8);
    const version = c.u8();
    if (version === 0 || version === 1) {
      c.skip(4); // free-space, root symbol table entry, reserved, shared header versions
      if (c.u8() !== 8 || c.u8() !== 8) throw new Unsupported('offsets or lengths of other than 8 bytes');
      c.skip(1 + 2 + 2 + 4 + (version === 1 ? 4 : 0));
      const base = c.u64();
      c.skip(8 * 3); // free space, end of file, driver information
      c.skip(8); // root entry: link name offset
      return { base, root: base + c.u64() };
    }
    if (version === 2 || version === 3) {
      if (c.u8() !== 8 || c.u8() !== 8) throw new Unsupported('offsets or lengths of other than 8 bytes');
      c.skip(1);
      const base = c.u64();
      c.skip(8 * 2); // superblock extension, end of file
      return { base, root: base + c.u64() };
    }
    throw new Unsupported(`superblock version ${version}`);
  }
  throw new Unsupported('no HDF5 superblock');
}

/** One header message: its type and body. */
export interface Message {
  type: number;
  body: Cursor;
}

// Message types (spec IV.A.2).
export const MSG = {
  dataspace: 0x01,
  linkInfo: 0x02,
  datatype: 0x03,
  fillOld: 0x04,
  fill: 0x05,
  link: 0x06,
  external: 0x07,
  layout: 0x08,
  groupInfo: 0x0a,
  filters: 0x0b,
  attribute: 0x0c,
  continuation: 0x10,
  symbolTable: 0x11,
  attributeInfo: 0x15,
} as const;

/** Continuation blocks of one object header at most (a damaged file could chain them in a loop). */
const MAX_HEADER_BLOCKS = 256;

/** Records a continuation block, refusing loops and endless chains. */
function addBlock<T extends [number, ...unknown[]]>(blocks: T[], block: T): void {
  if (blocks.length >= MAX_HEADER_BLOCKS || blocks.some((b) => b[0] === block[0])) throw new Unsupported('an object header whose continuations loop');
  blocks.push(block);
}

/** The messages of the object header at `address` (v1 or v2), continuation blocks followed. */
export function readObjectHeader(address: number, read: (at: number, n: number) => Uint8Array): Message[] {
  const first = read(address, 16);
  const out: Message[] = [];
  if (first[0] === 1) {
    const c = new Cursor(first, 2);
    const count = c.u16();
    c.skip(4);
    const size = c.u32();
    const blocks: [number, number][] = [[address + 16, size]];
    for (let b = 0; b < blocks.length && out.length < count; b++) {
      const [at, n] = blocks[b];
      const body = new Cursor(read(at, n));
      while (body.pos + 8 <= n && out.length < count) {
        const type = body.u16();
        const len = body.u16();
        const flags = body.u8();
        body.skip(3);
        if (flags & 0x02) throw new Unsupported('shared header messages');
        const m = new Cursor(body.take(len));
        if (type === MSG.continuation) addBlock(blocks, [m.u64(), m.u64()]);
        else out.push({ type, body: m });
      }
    }
    return out;
  }
  const c = new Cursor(read(address, 32));
  c.signature('OHDR');
  if (c.u8() !== 2) throw new Unsupported('object header version');
  const flags = c.u8();
  if (flags & 0x20) c.skip(16);
  if (flags & 0x10) c.skip(4);
  const size = c.uint(1 << (flags & 3));
  const blocks: [number, number, boolean][] = [[address + c.pos, size, false]];
  for (let b = 0; b < blocks.length; b++) {
    const [at, n, continued] = blocks[b];
    const body = new Cursor(read(at, n));
    if (continued) body.signature('OCHK');
    const end = n - (continued ? 4 : 0); // checksum of continuation blocks
    const headerSize = 4 + (flags & 0x04 ? 2 : 0);
    while (body.pos + headerSize <= end) {
      const type = body.u8();
      const len = body.u16();
      const mflags = body.u8();
      if (flags & 0x04) body.skip(2);
      if (mflags & 0x02) throw new Unsupported('shared header messages');
      const m = new Cursor(body.take(len));
      if (type === MSG.continuation) addBlock(blocks, [m.u64(), m.u64(), true]);
      else if (type !== 0) out.push({ type, body: m });
    }
  }
  return out;
}

/** A dataspace: dimensions (empty for a scalar), or null for a null dataspace. */
export function parseDataspace(c: Cursor): number[] | null {
  const version = c.u8();
  const rank = c.u8();
  const flags = c.u8();
  if (version === 1) {
    c.skip(5);
  } else if (version === 2) {
    if (c.u8() === 2) return null;
  } else {
    throw new Unsupported(`dataspace version ${version}`);
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(c.u64());
  void flags;
  return dims;
}

/** The element types AnnData's files hold. */
export type Datatype =
  | { kind: 'int'; size: number; signed: boolean }
  | { kind: 'float'; size: number }
  | { kind: 'string'; size: number; vlen: boolean; spacePadded?: boolean }
  | { kind: 'enum'; size: number; base: Datatype & { kind: 'int' }; names: string[]; values: number[] };

/** Parses a datatype message (spec IV.A.2.d); byte-swapped, compound, array and other classes are unsupported. */
export function parseDatatype(c: Cursor): Datatype {
  const cv = c.u8();
  const cls = cv & 0x0f;
  const version = cv >> 4;
  const bits = c.u8() | (c.u8() << 8) | (c.u8() << 16);
  const size = c.u32();
  if (cls === 0) {
    if (bits & 1) throw new Unsupported('big-endian integers');
    c.skip(4);
    if (![1, 2, 4, 8].includes(size)) throw new Unsupported(`${size}-byte integers`);
    return { kind: 'int', size, signed: (bits & 0x08) !== 0 };
  }
  if (cls === 1) {
    if (bits & 0x41) throw new Unsupported('big-endian floats');
    c.skip(12);
    if (size !== 4 && size !== 8) throw new Unsupported(`${size}-byte floats`);
    return { kind: 'float', size };
  }
  if (cls === 3) {
    if (size < 1) throw new Unsupported('empty fixed-length strings');
    return { kind: 'string', size, vlen: false, spacePadded: (bits & 0x0f) === 2 };
  }
  if (cls === 9) {
    if ((bits & 0x0f) !== 1) throw new Unsupported('variable-length sequences');
    if (size !== 16) throw new Unsupported('variable-length strings of another descriptor size');
    parseDatatype(c); // the character type
    return { kind: 'string', size, vlen: true };
  }
  if (cls === 8) {
    const base = parseDatatype(c);
    if (base.kind !== 'int' || base.size !== size) throw new Unsupported('enums of other than integers');
    const n = bits & 0xffff;
    const names: string[] = [];
    for (let i = 0; i < n; i++) {
      const start = c.pos;
      while (c.u8() !== 0);
      names.push(utf8.decode(c.bytes.subarray(start, c.pos - 1)));
      if (version < 3) c.pos = start + Math.ceil((c.pos - start) / 8) * 8;
    }
    const values: number[] = [];
    for (let i = 0; i < n; i++) values.push(readInt(c.take(base.size), 0, base));
    return { kind: 'enum', size, base, names, values };
  }
  throw new Unsupported(`datatype class ${cls}`);
}

/** One integer of type `t` at `at`. */
function readInt(b: Uint8Array, at: number, t: { size: number; signed: boolean }): number {
  const dv = new DataView(b.buffer, b.byteOffset + at, t.size);
  if (t.size === 1) return t.signed ? dv.getInt8(0) : dv.getUint8(0);
  if (t.size === 2) return t.signed ? dv.getInt16(0, true) : dv.getUint16(0, true);
  if (t.size === 4) return t.signed ? dv.getInt32(0, true) : dv.getUint32(0, true);
  return Number(t.signed ? dv.getBigInt64(0, true) : dv.getBigUint64(0, true));
}

/** Where a dataset's elements are. */
export type Layout =
  | { kind: 'compact'; bytes: Uint8Array }
  | { kind: 'contiguous'; address: number; size: number }
  | { kind: 'chunked'; btree: number; chunk: number[] };

/** Parses a data layout message, version 3 (what HDF5 writes unless asked for the latest format). */
export function parseLayout(c: Cursor): Layout {
  const version = c.u8();
  if (version !== 3) throw new Unsupported(`data layout version ${version}`);
  const cls = c.u8();
  if (cls === 0) return { kind: 'compact', bytes: c.take(c.u16()) };
  if (cls === 1) return { kind: 'contiguous', address: c.u64(), size: c.u64() };
  if (cls === 2) {
    const rank = c.u8();
    const btree = c.u64();
    const chunk: number[] = [];
    for (let i = 0; i < rank; i++) chunk.push(c.u32());
    return { kind: 'chunked', btree, chunk: chunk.slice(0, -1) }; // the last one is the element size
  }
  throw new Unsupported(`data layout class ${cls}`);
}

/** HDF5's filter ids of the filters read here: gzip (deflate) and the byte shuffle. */
export const FILTER_DEFLATE = 1;
export const FILTER_SHUFFLE = 2;

/** The filter ids of a filter pipeline message (spec IV.A.2.l), in the order they were applied. */
export function parseFilters(c: Cursor): number[] {
  const version = c.u8();
  const n = c.u8();
  if (version === 1) c.skip(6);
  else if (version !== 2) throw new Unsupported(`filter pipeline version ${version}`);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = c.u16();
    const nameLength = version === 1 || id >= 256 ? c.u16() : 0;
    c.skip(2); // flags
    const values = c.u16();
    c.skip(version === 1 ? Math.ceil(nameLength / 8) * 8 : nameLength);
    c.skip(4 * values + (version === 1 && values % 2 ? 4 : 0));
    ids.push(id);
  }
  return ids;
}

/** Reverses the byte shuffle: bytes were grouped by their position within each element. */
export function unshuffle(src: Uint8Array, elementSize: number): Uint8Array {
  if (elementSize <= 1) return src;
  const n = Math.floor(src.length / elementSize);
  const out = new Uint8Array(src.length);
  for (let b = 0; b < elementSize; b++) {
    const from = b * n;
    for (let i = 0; i < n; i++) out[i * elementSize + b] = src[from + i];
  }
  out.set(src.subarray(n * elementSize), n * elementSize); // a trailing partial element stays as is
  return out;
}

/** An attribute message: name, type, shape and raw value bytes. */
export interface RawAttribute {
  name: string;
  type: Datatype;
  shape: number[] | null;
  data: Uint8Array;
}

export function parseAttribute(c: Cursor): RawAttribute {
  const version = c.u8();
  if (version < 1 || version > 3) throw new Unsupported(`attribute version ${version}`);
  c.skip(1);
  const nameSize = c.u16();
  const typeSize = c.u16();
  const spaceSize = c.u16();
  if (version === 3) c.skip(1); // name character set
  const pad = (n: number) => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  const nameBytes = c.take(pad(nameSize));
  const name = utf8.decode(nameBytes.subarray(0, Math.max(0, nameSize - 1)));
  const type = parseDatatype(new Cursor(c.take(pad(typeSize))));
  const shape = parseDataspace(new Cursor(c.take(pad(spaceSize))));
  return { name, type, shape, data: c.bytes.subarray(c.pos) };
}

/** A link message: the name and, for a hard link, the object header address (null otherwise). */
export function parseLink(c: Cursor): { name: string; address: number | null } {
  if (c.u8() !== 1) throw new Unsupported('link message version');
  const flags = c.u8();
  const type = flags & 0x08 ? c.u8() : 0;
  if (flags & 0x04) c.skip(8);
  if (flags & 0x10) c.skip(1);
  const length = c.uint(1 << (flags & 3));
  const name = utf8.decode(c.take(length));
  return { name, address: type === 0 ? c.u64() : null };
}

/** True when the link info message points at dense (fractal heap) link storage. */
export function denseLinks(c: Cursor): boolean {
  c.skip(1);
  const flags = c.u8();
  if (flags & 1) c.skip(8);
  return !isUndefined(c.u64());
}

/** True when the attribute info message points at dense attribute storage. */
export function denseAttributes(c: Cursor): boolean {
  c.skip(1);
  const flags = c.u8();
  if (flags & 1) c.skip(2);
  return !isUndefined(c.u64());
}
