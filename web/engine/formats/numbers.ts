/**
 * Numbers in text fields, parsed straight from bytes: plain integers on a fast path, anything
 * else as Python's float() reads it (what numpy uses for scanpy's text tables): decimals,
 * exponents, 'nan', 'inf'. An unreadable field gives NaN plus `ok = false`, so callers can name
 * the line and column.
 */
import { text } from './lines.ts';

const SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, infinity: Infinity };

/** The number in bytes [s, e), or undefined when the field is not a number. */
export function parseNumber(b: Uint8Array, s: number, e: number): number | undefined {
  // Surrounding blanks are allowed, as by float().
  while (s < e && (b[s] === 32 || b[s] === 9)) s++;
  while (e > s && (b[e - 1] === 32 || b[e - 1] === 9)) e--;
  if (s >= e) return undefined;
  let i = s;
  let neg = false;
  if (b[i] === 45 || b[i] === 43) {
    neg = b[i] === 45;
    i++;
  }
  let v = 0;
  let digits = 0;
  for (; i < e; i++) {
    const c = b[i] - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    digits++;
  }
  if (i === e && digits > 0 && digits < 16) return neg ? -v : v;
  const str = text(b.subarray(s, e));
  const x = Number(str);
  if (!Number.isNaN(x) && !/^[+-]?0[xob]/i.test(str) && !/^[+-]?$/.test(str)) return x;
  const m = /^([+-]?)([a-z]+)$/i.exec(str);
  if (m && m[2].toLowerCase() in SPECIAL) return (m[1] === '-' ? -1 : 1) * SPECIAL[m[2].toLowerCase()];
  return undefined;
}

/** Python's float() test on a string field (scanpy's is_float, used to spot header rows and row names). */
export function isFloat(field: string): boolean {
  const b = new TextEncoder().encode(field);
  return parseNumber(b, 0, b.length) !== undefined;
}
