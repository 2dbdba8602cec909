/**
 * An HDF5 file read without the HDF5 library, as the structural `H5File` of ../read.ts: groups,
 * datasets and attributes of the kinds AnnData writes (format.ts). Datasets read their elements
 * straight into caller memory (`readElementsInto`): the rows of a chunk go from the file into the
 * wasm heap in one copy, and opening a file costs no 4 MB HDF5 module.
 *
 * Anything it does not understand raises `Unsupported` (format.ts), at open time for the parts
 * an annotation reads (see `checkReadable`), so the caller can read the file with h5wasm instead.
 */
import { CellTypistError } from '../../types.ts';
import type { H5Attr, H5Dataset, H5File, H5Group } from '../read.ts';
import {
  Cursor,
  type Datatype,
  denseAttributes,
  denseLinks,
  isUndefined,
  type Layout,
  type Message,
  MSG,
  parseAttribute,
  parseDatatype,
  parseDataspace,
  parseFilters,
  parseLayout,
  parseLink,
  type PositionalReader,
  type RawAttribute,
  readObjectHeader,
  readSuperblock,
  Unsupported,
  utf8,
} from './format.ts';
import { ChunkedStorage } from './chunked.ts';
import { dtypeString, metadataOf, typedArray } from './types.ts';

/**
 * Runs a read of an opened file: a structure found damaged only now (the open checks what an
 * annotation reads, not every byte) is one clear message, whatever broke.
 */
function guarded<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof CellTypistError) throw e;
    throw new CellTypistError('corrupt_h5ad', `the h5ad file is damaged (${(e as Error).message}): it is probably truncated or corrupt; export it again`);
  }
}

/** Most bytes of metadata kept in memory (pages of the file read for headers, B-trees and heaps). */
const PAGE = 64 * 1024;
const MAX_PAGES = 256;

/** A global heap collection: its bytes, each object's offset and size by index, its text once decoded (null: not ASCII). */
interface HeapCollection {
  bytes: Uint8Array;
  start: number[];
  size: number[];
  text?: string | null;
}


function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return false;
  return true;
}

/** The file and its decoded structures, shared by every object of one file. */
class Context {
  private readonly pages = new Map<number, Uint8Array>();
  private readonly heaps = new Map<number, HeapCollection>();
  readonly root: number;

  constructor(readonly file: PositionalReader) {
    const sb = readSuperblock(file, (at, n) => this.read(at, n));
    // Addresses are relative to the base; files with a user block before the superblock are rare
    // enough to leave to h5wasm, and then every address here is an absolute file offset.
    if (sb.base !== 0) throw new Unsupported('a user block before the superblock');
    this.root = sb.root;
  }

  /** Bytes [at, at + n) of the file, through a small page cache (metadata reads are small and clustered). */
  read(at: number, n: number): Uint8Array {
    if (at < 0 || at + n > this.file.size || isUndefined(at)) throw new Unsupported('an address beyond the end of the file');
    const first = Math.floor(at / PAGE);
    if (Math.floor((at + n - 1) / PAGE) !== first || n > PAGE) {
      const out = new Uint8Array(n);
      this.file.readInto(at, out);
      return out;
    }
    let page = this.pages.get(first);
    if (!page) {
      if (this.pages.size >= MAX_PAGES) this.pages.clear();
      page = new Uint8Array(Math.min(PAGE, this.file.size - first * PAGE));
      this.file.readInto(first * PAGE, page);
      this.pages.set(first, page);
    }
    return page.subarray(at - first * PAGE, at - first * PAGE + n);
  }

  /**
   * A global heap collection (spec III.E), indexed once (a collection holds thousands of names):
   * the variable-length strings of datasets and attributes.
   */
  private globalHeap(address: number): HeapCollection {
    let h = this.heaps.get(address);
    if (!h) {
      const head = new Cursor(this.read(address, 16));
      head.signature('GCOL');
      head.skip(4);
      const bytes = this.read(address, head.u64());
      h = { bytes, start: [], size: [] };
      const c = new Cursor(bytes, 16);
      while (c.pos + 16 <= bytes.length) {
        const index = c.u16();
        c.skip(6);
        const size = c.u64();
        // Index 0 is the free space at the end; an object past the end is missing (looked up: an error).
        if (index === 0 || size > bytes.length - c.pos) break;
        h.start[index] = c.pos;
        h.size[index] = size;
        c.pos += Math.ceil(size / 8) * 8; // objects are padded to 8 bytes
      }
      if (this.heaps.size >= 64) this.heaps.clear();
      this.heaps.set(address, h);
    }
    return h;
  }

  /** The first `length` bytes of object `index` of the collection at `address`, as text. */
  heapString(address: number, index: number, length: number): string {
    const h = this.globalHeap(address);
    const start = h.start[index];
    if (start === undefined) throw new CellTypistError('corrupt_h5ad', 'the h5ad file lacks some of its text (names): it is truncated or corrupt; export it again');
    const end = start + Math.min(length, h.size[index]);
    // Names are nearly always ASCII: then the collection is decoded once and each string is a
    // substring of it, ~2.5x faster than a TextDecoder call per name (40,000 names per input).
    if (h.text === undefined) h.text = isAscii(h.bytes) ? utf8.decode(h.bytes) : null;
    return h.text !== null ? h.text.substring(start, end) : utf8.decode(h.bytes.subarray(start, end));
  }

  /** Names and object header addresses of a group's members, sorted by name as h5wasm lists them. */
  members(messages: Message[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const m of messages) {
      if (m.type === MSG.symbolTable) {
        const btree = m.body.u64();
        const heap = m.body.u64();
        this.symbolTable(btree, this.localHeap(heap), out);
      } else if (m.type === MSG.link) {
        const link = parseLink(m.body);
        if (link.address !== null) out.set(link.name, link.address);
      } else if (m.type === MSG.linkInfo && denseLinks(m.body)) {
        throw new Unsupported('dense link storage');
      }
    }
    return new Map([...out].sort(([a], [b]) => compareBytes(a, b)));
  }

  /** The data segment of a local heap (spec III.D). */
  private localHeap(address: number): Uint8Array {
    const c = new Cursor(this.read(address, 32));
    c.signature('HEAP');
    c.skip(4);
    const size = c.u64();
    c.skip(8);
    return this.read(c.u64(), size);
  }

  /** Walks a group's v1 B-tree (type 0) down to its symbol table nodes (each node once: a damaged tree may loop). */
  private symbolTable(address: number, names: Uint8Array, out: Map<string, number>, seen = new Set<number>()): void {
    if (seen.has(address) || seen.size > 100_000) throw new Unsupported('a group B-tree that loops');
    seen.add(address);
    const head = new Cursor(this.read(address, 24));
    head.signature('TREE');
    if (head.u8() !== 0) throw new Unsupported('a group B-tree of another type');
    const level = head.u8();
    const entries = head.u16();
    const body = new Cursor(this.read(address + 24, entries * 16 + 8));
    for (let i = 0; i < entries; i++) {
      body.skip(8); // key: a name's heap offset
      const child = body.u64();
      if (level > 0) this.symbolTable(child, names, out, seen);
      else this.symbolNode(child, names, out);
    }
  }

  private symbolNode(address: number, names: Uint8Array, out: Map<string, number>): void {
    const head = new Cursor(this.read(address, 8));
    head.signature('SNOD');
    head.skip(2);
    const n = head.u16();
    const c = new Cursor(this.read(address + 8, n * 40));
    for (let i = 0; i < n; i++) {
      const nameAt = c.u64();
      const header = c.u64();
      c.skip(24);
      let end = nameAt;
      while (end < names.length && names[end] !== 0) end++;
      out.set(utf8.decode(names.subarray(nameAt, end)), header);
    }
  }

}

function compareBytes(a: string, b: string): number {
  // HDF5 orders names by strcmp (UTF-8 bytes); for ASCII names this is code unit order.
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(ea.length, eb.length); i++) if (ea[i] !== eb[i]) return ea[i] - eb[i];
  return ea.length - eb.length;
}

/** Decodes elements of `t` (strings or numbers) as h5wasm's `value` does; `owned` as typedArray's. */
function decodeValue(ctx: Context, t: Datatype, shape: number[] | null, bytes: Uint8Array, owned = false): unknown {
  if (shape === null) return null;
  const scalar = shape.length === 0;
  if (t.kind === 'string') {
    const n = bytes.length / t.size;
    const out: string[] = new Array(n);
    if (t.vlen) {
      const c = new Cursor(bytes);
      for (let i = 0; i < n; i++) {
        const length = c.u32();
        const heap = c.u64();
        const index = c.u32();
        out[i] = length === 0 ? '' : ctx.heapString(heap, index, length);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const s = bytes.subarray(i * t.size, (i + 1) * t.size);
        let end = s.indexOf(0);
        if (end < 0) end = s.length;
        const text = utf8.decode(s.subarray(0, end));
        out[i] = t.spacePadded ? text.replace(/ +$/, '') : text;
      }
    }
    return scalar ? out[0] : out;
  }
  const typed = typedArray(t, bytes, owned);
  return scalar ? (typeof typed[0] === 'bigint' ? typed[0] : Number(typed[0])) : typed;
}

function attributesOf(ctx: Context, messages: Message[]): Record<string, H5Attr> {
  const out: Record<string, H5Attr> = {};
  for (const m of messages) {
    if (m.type === MSG.attributeInfo && denseAttributes(m.body)) throw new Unsupported('dense attribute storage');
    if (m.type !== MSG.attribute) continue;
    const a: RawAttribute = parseAttribute(m.body);
    let value: unknown;
    let decoded = false;
    out[a.name] = {
      get value() {
        if (!decoded) {
          value = guarded(() => decodeValue(ctx, a.type, a.shape, a.data.subarray(0, (a.shape ?? []).reduce((p, d) => p * d, 1) * a.type.size)));
          decoded = true;
        }
        return value;
      },
    };
  }
  return out;
}

/** A group: its members are looked up once. */
class DirectGroup implements H5Group {
  readonly type = 'Group';
  readonly attrs: Record<string, H5Attr>;
  private readonly members: Map<string, number>;
  private readonly children = new Map<string, DirectGroup | DirectDataset>();

  constructor(
    private readonly ctx: Context,
    messages: Message[],
  ) {
    this.attrs = attributesOf(ctx, messages);
    this.members = ctx.members(messages);
  }

  keys(): string[] {
    return [...this.members.keys()];
  }

  get(path: string): DirectGroup | DirectDataset | null {
    return guarded(() => this.lookup(path));
  }

  private lookup(path: string): DirectGroup | DirectDataset | null {
    const parts = path.split('/').filter(Boolean);
    let node: DirectGroup | DirectDataset = this;
    for (const part of parts) {
      if (!(node instanceof DirectGroup)) return null;
      const next: DirectGroup | DirectDataset | null = node.child(part);
      if (!next) return null;
      node = next;
    }
    return node;
  }

  private child(name: string): DirectGroup | DirectDataset | null {
    const known = this.children.get(name);
    if (known) return known;
    const address = this.members.get(name);
    if (address === undefined) return null;
    const obj = openObject(this.ctx, address);
    this.children.set(name, obj);
    return obj;
  }
}

/** The messages of the object header at `address` (its first read may run past a file that ends sooner). */
function headerAt(ctx: Context, address: number): Message[] {
  return readObjectHeader(address, (at, n) => ctx.read(at, Math.min(n, ctx.file.size - at)));
}

function openObject(ctx: Context, address: number): DirectGroup | DirectDataset {
  const messages = headerAt(ctx, address);
  const isGroup = messages.some((m) => m.type === MSG.symbolTable || m.type === MSG.linkInfo || m.type === MSG.link || m.type === MSG.groupInfo);
  return isGroup ? new DirectGroup(ctx, messages) : new DirectDataset(ctx, messages);
}

/** A dataset of numbers or strings: contiguous, compact or chunked (1-D or 2-D, maybe gzip-compressed). */
export class DirectDataset implements H5Dataset {
  readonly type = 'Dataset';
  readonly attrs: Record<string, H5Attr>;
  readonly shape: number[] | null;
  readonly dtype: string;
  readonly metadata: NonNullable<H5Dataset['metadata']>;
  private readonly datatype: Datatype;
  private readonly layout: Layout;
  private readonly chunked: ChunkedStorage | null = null;

  constructor(
    private readonly ctx: Context,
    messages: Message[],
  ) {
    let space: number[] | null | undefined;
    let datatype: Datatype | undefined;
    let layout: Layout | undefined;
    const filters: number[] = [];
    for (const m of messages) {
      if (m.type === MSG.dataspace) space = parseDataspace(m.body);
      else if (m.type === MSG.datatype) datatype = parseDatatype(m.body);
      else if (m.type === MSG.layout) layout = parseLayout(m.body);
      else if (m.type === MSG.filters) filters.push(...parseFilters(m.body));
      else if (m.type === MSG.external) throw new Unsupported('external storage');
    }
    if (space === undefined || !datatype || !layout) throw new Unsupported('a dataset without a dataspace, datatype or layout');
    this.shape = space;
    this.datatype = datatype;
    this.layout = layout;
    this.dtype = dtypeString(datatype);
    this.metadata = metadataOf(datatype);
    this.attrs = attributesOf(ctx, messages);
    if (layout.kind === 'chunked') {
      this.chunked = new ChunkedStorage(ctx.file, (at, n) => ctx.read(at, n), layout.btree, layout.chunk, space ?? [], datatype.size, filters);
    } else if (filters.length) {
      throw new Unsupported('filters on unchunked data');
    }
  }

  /** Elements in the dataset. */
  get length(): number {
    return (this.shape ?? []).reduce((p, d) => p * d, 1);
  }

  get value(): unknown {
    if (this.shape === null) return null;
    return guarded(() => decodeValue(this.ctx, this.datatype, this.shape!, this.readBytes(0, this.length), true));
  }

  /**
   * A hyperslab as h5wasm's slice(): a range of the first dimension and, for 2-D datasets, of the
   * second ([] or a missing range: all of it), flattened row-major.
   */
  slice(ranges: Array<[number, number] | []>): unknown {
    return guarded(() => this.sliceOf(ranges));
  }

  private sliceOf(ranges: Array<[number, number] | []>): unknown {
    const shape = this.shape ?? [];
    const span = (d: number): [number, number] => {
      const r = ranges[d];
      const n = shape[d] ?? 1;
      return r?.length ? [Math.min(r[0], n), Math.min(Math.max(r[0], r[1]), n)] : [0, n];
    };
    if (shape.length > 2 && ranges.slice(2).some((r, d) => r.length && (r[0] !== 0 || r[1] < shape[d + 2]))) {
      throw new RangeError('slices of the third dimension and beyond are not supported');
    }
    const inner = shape.slice(2).reduce((p, d) => p * d, 1);
    const [r0, r1] = span(0);
    const [c0, c1] = shape.length > 1 ? span(1) : [0, 1];
    const width = shape.length > 1 ? shape[1] * inner : 1;
    const rowBytes = (c1 - c0) * inner;
    if (c0 === 0 && rowBytes === width) {
      return decodeValue(this.ctx, this.datatype, [(r1 - r0) * width], this.readBytes(r0 * width, r1 * width), true);
    }
    // Some columns of each row: one read per row (memory stays at the slice's size).
    const size = this.datatype.size;
    const out = new Uint8Array((r1 - r0) * rowBytes * size);
    for (let r = r0; r < r1; r++) {
      const at = r * width + c0 * inner;
      this.readInto(at, at + rowBytes, out.subarray((r - r0) * rowBytes * size, (r - r0 + 1) * rowBytes * size));
    }
    return decodeValue(this.ctx, this.datatype, [(r1 - r0) * rowBytes], out, true);
  }

  /**
   * Throws `Unsupported` unless every element can be read from where the file says it is: chunks
   * never written (HDF5 fills them in) and data beyond the end of the file are left to h5wasm.
   */
  checkReadable(): void {
    const bytes = this.length * this.datatype.size;
    const layout = this.layout;
    if (layout.kind === 'compact' && layout.bytes.length < bytes) throw new Unsupported('a short compact dataset');
    if (layout.kind === 'contiguous' && bytes > 0 && (isUndefined(layout.address) || layout.address + bytes > this.ctx.file.size)) {
      throw new Unsupported('contiguous data beyond the end of the file');
    }
    if (this.chunked && bytes > 0) this.chunked.checkReadable();
  }

  /** Reads elements [lo, hi) of the flattened dataset into `dest` (their raw little-endian bytes). */
  readElementsInto(lo: number, hi: number, dest: Uint8Array): void {
    guarded(() => this.readInto(lo, hi, dest));
  }

  /** Starts reading ahead the file extents of elements [lo, hi) (see PositionalReader.prefetch). */
  prefetchElements(lo: number, hi: number): Promise<void> | undefined {
    const file = this.ctx.file;
    if (!file.prefetch || hi <= lo || hi > this.length || lo < 0) return undefined;
    const size = this.datatype.size;
    const layout = this.layout;
    if (layout.kind === 'contiguous' && !isUndefined(layout.address)) return file.prefetch([[layout.address + lo * size, (hi - lo) * size]]);
    const extents = this.chunked?.fileExtents(lo, hi);
    return extents?.length ? file.prefetch(extents) : undefined;
  }

  private readInto(lo: number, hi: number, dest: Uint8Array): void {
    const size = this.datatype.size;
    if (dest.length !== (hi - lo) * size) throw new RangeError('destination size does not match the range');
    if (hi > this.length || lo < 0 || hi < lo) throw new RangeError('range beyond the dataset');
    const layout = this.layout;
    if (layout.kind === 'compact') dest.set(layout.bytes.subarray(lo * size, hi * size));
    else if (layout.kind === 'contiguous') {
      if (isUndefined(layout.address)) dest.fill(0);
      else this.ctx.file.readInto(layout.address + lo * size, dest);
    } else this.chunked!.readElements(lo, hi, dest);
  }

  /** Elements [lo, hi) as raw bytes in a buffer of their own (straight from the file's read when it can). */
  readElements(lo: number, hi: number): Uint8Array {
    return guarded(() => this.readBytes(lo, hi));
  }

  private readBytes(lo: number, hi: number): Uint8Array {
    const size = this.datatype.size;
    if (hi > this.length || lo < 0 || hi < lo) throw new RangeError('range beyond the dataset');
    const layout = this.layout;
    if (layout.kind === 'chunked') return this.chunked!.readOwned(lo, hi);
    if (layout.kind === 'contiguous' && this.ctx.file.read && hi > lo && !isUndefined(layout.address)) return this.ctx.file.read(layout.address + lo * size, (hi - lo) * size);
    const out = new Uint8Array((hi - lo) * size);
    if (out.length) this.readInto(lo, hi, out);
    return out;
  }
}

/** The root group of a file read directly. */
export class DirectFile extends DirectGroup implements H5File {
  private constructor(
    ctx: Context,
    private readonly onClose: () => void,
  ) {
    super(ctx, headerAt(ctx, ctx.root));
  }

  /** Opens the file; throws `Unsupported` when its structure needs the HDF5 library. */
  static open(file: PositionalReader, onClose: () => void = () => {}): DirectFile {
    return new DirectFile(new Context(file), onClose);
  }

  close(): void {
    this.onClose();
  }
}
