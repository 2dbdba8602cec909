/**
 * What h5wasm (or the direct reader) returns for a dataset, as the typed arrays and strings the
 * engine uses, and the element types the one-copy reads take as they are.
 */
import { CellTypistError } from '../types.ts';
import type { H5Dataset } from './h5-objects.ts';

const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
/** Element types the one-copy reads take as they are (little-endian float32 values, int32 indices). */
export const float32 = (md: H5Dataset['metadata']) => md?.type === H5T_FLOAT && md.size === 4 && md.littleEndian !== false;
export const int32 = (md: H5Dataset['metadata']) => md?.type === H5T_INTEGER && md.size === 4 && md.signed !== false && md.littleEndian !== false;

/** Converts whatever h5wasm returned for a numeric slice into a Float32Array. */
export function toFloat32(v: unknown): Float32Array {
  if (v instanceof Float32Array) return v;
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Float32Array.from(v as BigInt64Array, Number);
  if (ArrayBuffer.isView(v)) return Float32Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return Float32Array.from(v.map((x) => (typeof x === 'boolean' ? (x ? 1 : 0) : Number(x))));
  throw new CellTypistError('corrupt_h5ad', 'unexpected matrix values in the h5ad file');
}

export function toInt(v: unknown): Int32Array | Float64Array {
  if (v instanceof Int32Array) return v;
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) {
    // A plain loop: Float64Array.from(v, Number) calls back per element (~5x slower).
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = Number(v[i]);
    return out;
  }
  if (ArrayBuffer.isView(v)) return Int32Array.from(v as unknown as ArrayLike<number>);
  throw new CellTypistError('corrupt_h5ad', 'unexpected index values in the h5ad file');
}

export function decodeStrings(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => (x instanceof Uint8Array ? new TextDecoder().decode(x) : String(x)));
  if (typeof v === 'string') return [v];
  throw new CellTypistError('corrupt_h5ad', 'expected strings in the h5ad file');
}

/** Numbers as they are stored (float64 stays float64; int64 as float64), for values read as they are. */
export function toNumbers(v: unknown): ArrayLike<number> {
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Float64Array.from(v as BigInt64Array, Number);
  if (ArrayBuffer.isView(v)) return v as unknown as ArrayLike<number>;
  if (Array.isArray(v)) return v.map(Number);
  throw new CellTypistError('corrupt_h5ad', 'unexpected matrix values in the h5ad file');
}
