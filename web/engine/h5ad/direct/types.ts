/**
 * The direct reader's numeric types as h5wasm gives them: numpy-style type strings, the
 * metadata fields ../read.ts looks at, and typed arrays over read bytes.
 */
import type { H5Dataset } from '../read.ts';
import { type Datatype, Unsupported } from './format.ts';

/** numpy-style type strings as h5wasm gives them (`<f`, `<i`, `S`, ...). */
export function dtypeString(t: Datatype): string {
  if (t.kind === 'float') return t.size === 4 ? '<f' : '<d';
  if (t.kind === 'string') return 'S';
  const int = t.kind === 'enum' ? t.base : t;
  const code = { 1: 'b', 2: 'h', 4: 'i', 8: 'q' }[int.size as 1 | 2 | 4 | 8];
  return `<${int.signed ? code : code.toUpperCase()}`;
}

/** h5wasm's metadata fields that ../read.ts looks at (type class, size, sign, byte order). */
export function metadataOf(t: Datatype): NonNullable<H5Dataset['metadata']> {
  if (t.kind === 'float') return { type: 1, size: t.size, littleEndian: true };
  if (t.kind === 'string') return { type: 3, size: t.size, vlen: t.vlen };
  if (t.kind === 'enum') return { type: 8, size: t.size, signed: t.base.signed, littleEndian: true };
  return { type: 0, size: t.size, signed: t.signed, littleEndian: true };
}

type Typed = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

/**
 * A typed array over `bytes` for a numeric type: over them as they are when `owned` (read for
 * this array alone) and aligned, else over a copy (the bytes may be a view into a cache).
 */
export function typedArray(t: Datatype, bytes: Uint8Array, owned: boolean): Typed {
  const b = owned && bytes.byteOffset % t.size === 0 ? bytes : new Uint8Array(bytes);
  const int = t.kind === 'enum' ? t.base : t;
  const n = b.length / t.size;
  const [buf, at] = [b.buffer, b.byteOffset];
  if (int.kind === 'float') return int.size === 4 ? new Float32Array(buf, at, n) : new Float64Array(buf, at, n);
  if (int.kind !== 'int') throw new Unsupported('not a number type');
  switch (int.size) {
    case 1:
      return int.signed ? new Int8Array(buf, at, n) : new Uint8Array(buf, at, n);
    case 2:
      return int.signed ? new Int16Array(buf, at, n) : new Uint16Array(buf, at, n);
    case 4:
      return int.signed ? new Int32Array(buf, at, n) : new Uint32Array(buf, at, n);
    default:
      return int.signed ? new BigInt64Array(buf, at, n) : new BigUint64Array(buf, at, n);
  }
}
