/**
 * Copies HDF5 groups and datasets from an open input file into a new file with bounded memory:
 * large numeric datasets (X, raw, layers, dense obsm...) are streamed in slices along their
 * first axis into chunked datasets; small ones and strings are copied whole. Attributes are
 * copied with their values. Used by the streaming annotated-h5ad writer.
 *
 * h5wasm cannot write HDF5 enums, so booleans (numpy bool = int8 enum) are written as int8
 * (anndata reads 0/1 integers), and categorical columns — whose `ordered` flag must be an enum
 * for anndata < 0.10 — are written as string arrays of their values.
 */

/** The h5wasm objects used here (structural, so Node and browser builds both fit). */
export interface CNode {
  type: string;
  attrs: Record<string, { value: unknown; shape: number[] | null; metadata: CMeta }>;
  create_attribute(name: string, data: unknown, shape?: number[] | null, dtype?: string | null): void;
}
export interface CGroup extends CNode {
  keys(): string[];
  get(name: string): CGroup | CDataset | null;
  create_group(name: string): CGroup;
  create_dataset(args: { name: string; data: unknown; shape?: number[] | null; dtype?: string | null; maxshape?: (number | null)[] | null; chunks?: number[] | null }): CDataset;
}
export interface CDataset extends CNode {
  shape: number[] | null;
  metadata: CMeta;
  value: unknown;
  slice(ranges: Array<[number, number]>): unknown;
  resize(shape: number[]): number;
  write_slice(ranges: Array<[number, number]>, data: unknown): void;
}
export interface CMeta {
  type: number;
  size: number;
  signed?: boolean;
  vlen?: boolean;
  littleEndian?: boolean;
  cset?: number;
}

// HDF5 type classes (H5T_class_t).
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_STRING = 3;
const H5T_ENUM = 8;

/** Bytes per HDF5 chunk of streamed datasets: fits h5wasm's 1 MB chunk cache with room to spare. */
export const CHUNK_BYTES = 1 << 18;
/** Bytes per slice read from the input and written out (the memory bound of a copy); datasets up to half of it are copied whole. */
export const SLICE_BYTES = 1 << 23;

/** numpy/struct dtype string for a numeric HDF5 type, or null when h5wasm cannot write it. */
export function numericDtype(m: CMeta): string | null {
  const end = m.littleEndian === false ? '>' : '<';
  if (m.type === H5T_FLOAT) return m.size === 4 ? `${end}f` : m.size === 8 ? `${end}d` : null;
  if (m.type === H5T_INTEGER || m.type === H5T_ENUM) {
    const c = ({ 1: 'b', 2: 'h', 4: 'i', 8: 'q' } as Record<number, string>)[m.size];
    if (!c) return null;
    return `${end}${m.signed === false && m.type === H5T_INTEGER ? c.toUpperCase() : c}`;
  }
  return null;
}

function stringDtype(m: CMeta): string {
  const c = m.cset === 0 ? 'A' : 'S';
  return m.vlen ? c : `${c}${m.size}`;
}

/** Typed array for a scalar numeric value (h5wasm returns numbers/bigints for scalars). */
function asTyped(v: unknown, dtype: string): unknown {
  if (ArrayBuffer.isView(v)) return v;
  const c = dtype.slice(1);
  const xs: unknown[] = Array.isArray(v) ? v : [v];
  // An array (even empty: the start of a streamed int64 dataset) keeps its length.
  if (c === 'q') return BigInt64Array.from(xs, (x) => BigInt(x as number | bigint));
  if (c === 'Q') return BigUint64Array.from(xs, (x) => BigInt(x as number | bigint));
  const arr = { b: Int8Array, B: Uint8Array, h: Int16Array, H: Uint16Array, i: Int32Array, I: Uint32Array, f: Float32Array, d: Float64Array }[c]!;
  return arr.from(xs.map((x) => (typeof x === 'boolean' ? (x ? 1 : 0) : Number(x))));
}

/** Copies every attribute of `src` onto `dst`; returns the names that could not be copied. */
export function copyAttrs(src: CNode, dst: CNode, skip: string[] = []): string[] {
  const failed: string[] = [];
  for (const [name, a] of Object.entries(src.attrs)) {
    if (skip.includes(name)) continue;
    try {
      const shape = a.shape ?? [];
      if (a.metadata.type === H5T_STRING) {
        dst.create_attribute(name, a.value, shape.length ? shape : null, null);
      } else {
        const dtype = numericDtype(a.metadata);
        if (!dtype) throw new Error('unsupported type');
        dst.create_attribute(name, asTyped(a.value, dtype), shape, dtype);
      }
    } catch {
      failed.push(name);
    }
  }
  return failed;
}

export interface CopyContext {
  /** Called after each streamed slice with the bytes it wrote. */
  onBytes?: (bytes: number) => void;
  /** Awaited between slices: lets the caller yield, check cancellation and apply backpressure. */
  tick?: () => Promise<void>;
  /** Paths that could not be copied (unsupported HDF5 types); reported as a warning. */
  skipped: string[];
  /** Slice size (default SLICE_BYTES; tests use small ones to exercise streaming). */
  slice_bytes?: number;
}

/** Bytes of a numeric dataset (0 for strings and other types). */
export function datasetBytes(d: CDataset): number {
  const shape = d.shape ?? [];
  if (numericDtype(d.metadata) === null) return 0;
  return shape.reduce((a, b) => a * b, 1) * d.metadata.size;
}

/** Copies one dataset (with its attributes) into `dst` under `name`. */
export async function copyDataset(src: CDataset, dst: CGroup, name: string, path: string, ctx: CopyContext): Promise<void> {
  const m = src.metadata;
  const shape = src.shape;
  let out: CDataset;
  if (shape === null) {
    ctx.skipped.push(path);
    return;
  }
  if (m.type === H5T_STRING) {
    const value = src.value;
    out = dst.create_dataset({ name, data: value, shape, dtype: stringDtype(m) });
  } else {
    const dtype = numericDtype(m);
    if (!dtype) {
      ctx.skipped.push(path);
      return;
    }
    if (shape.length === 0 || datasetBytes(src) <= (ctx.slice_bytes ?? SLICE_BYTES) / 2) {
      out = dst.create_dataset({ name, data: asTyped(src.value, dtype), shape, dtype });
    } else {
      out = await streamDataset(src, dst, name, dtype, ctx);
    }
  }
  copyAttrs(src, out);
}

/** Streams a large numeric dataset in slices along axis 0 into a chunked dataset. */
async function streamDataset(src: CDataset, dst: CGroup, name: string, dtype: string, ctx: CopyContext): Promise<CDataset> {
  const shape = src.shape!;
  const rest = shape.slice(1);
  const rowBytes = rest.reduce((a, b) => a * b, 1) * src.metadata.size;
  const sliceBytes = ctx.slice_bytes ?? SLICE_BYTES;
  const chunkRows = Math.max(1, Math.floor(Math.min(CHUNK_BYTES, sliceBytes) / rowBytes));
  const sliceRows = chunkRows * Math.max(1, Math.floor(sliceBytes / (chunkRows * rowBytes)));
  const empty = asTyped([], dtype);
  const out = dst.create_dataset({ name, data: empty, shape: [0, ...rest], maxshape: [null, ...rest], chunks: [Math.min(chunkRows, Math.max(1, shape[0])), ...rest], dtype });
  const full = rest.map((k) => [0, k] as [number, number]);
  for (let a = 0; a < shape[0]; a += sliceRows) {
    const b = Math.min(shape[0], a + sliceRows);
    const data = src.slice([[a, b], ...full]);
    out.resize([b, ...rest]);
    out.write_slice([[a, b], ...full], data);
    ctx.onBytes?.((b - a) * rowBytes);
    await ctx.tick?.();
  }
  return out;
}

/**
 * Copies the members of group `src` into `dst` (recursively), skipping names for which
 * `skip(name)` is true. Links to missing objects and unsupported types are reported in
 * ctx.skipped.
 */
export async function copyMembers(src: CGroup, dst: CGroup, path: string, ctx: CopyContext, skip: (name: string) => boolean = () => false): Promise<void> {
  for (const key of src.keys()) {
    if (skip(key)) continue;
    const child = src.get(key);
    const p = `${path}/${key}`;
    if (!child) {
      ctx.skipped.push(p);
      continue;
    }
    if (child.type === 'Group' && attrValue(child, 'encoding-type') === 'categorical') {
      categoricalAsStrings(child as CGroup, dst, key, p, ctx);
    } else if (child.type === 'Group') {
      const g = dst.create_group(key);
      copyAttrs(child, g);
      await copyMembers(child as CGroup, g, p, ctx);
    } else if (child.type === 'Dataset') {
      await copyDataset(child as CDataset, dst, key, p, ctx);
    } else {
      ctx.skipped.push(p);
    }
  }
}

function attrValue(node: CNode, name: string): unknown {
  const v = node.attrs[name]?.value;
  return Array.isArray(v) ? v[0] : v;
}

/** A categorical column written as a string array of its values (missing codes as 'nan', as pandas prints them). */
function categoricalAsStrings(src: CGroup, dst: CGroup, name: string, path: string, ctx: CopyContext) {
  const cats = src.get('categories') as CDataset | null;
  const codes = src.get('codes') as CDataset | null;
  if (!cats || !codes || cats.type !== 'Dataset' || codes.type !== 'Dataset') {
    ctx.skipped.push(path);
    return;
  }
  const c = cats.value;
  const names = Array.isArray(c) ? c.map(String) : Array.from(c as ArrayLike<number>, String);
  const k = codes.value as ArrayLike<number | bigint>;
  const values = Array.from(k, (x) => (Number(x) < 0 ? 'nan' : names[Number(x)]));
  const ds = dst.create_dataset({ name, data: values, shape: [values.length], dtype: 'S' });
  ds.create_attribute('encoding-type', 'string-array');
  ds.create_attribute('encoding-version', '0.2.0');
}
