/**
 * The h5wasm objects the h5ad reader uses, as structural types (the direct reader, direct/,
 * provides the same shapes), their attributes, and the lookup of paths in an open file with a
 * clear error for what is missing. No platform code: the caller opens the file.
 */
import { CellTypistError } from '../types.ts';

/** Minimal structural types of the h5wasm objects used here. */
export interface H5Attr {
  value: unknown;
}
export interface H5Node {
  type: string;
  attrs: Record<string, H5Attr>;
}
export interface H5Dataset extends H5Node {
  shape: number[] | null;
  dtype: unknown;
  value: unknown;
  slice(ranges: Array<[number, number] | []>): unknown;
  /** h5wasm's identity of the dataset and its element type (used by the one-copy read). */
  file_id?: bigint;
  path?: string;
  metadata?: { type: number; size: number; signed?: boolean; littleEndian?: boolean; vlen?: boolean };
  /**
   * Elements [lo, hi) of the flattened dataset as raw bytes into `dest` (the direct reader,
   * direct/file.ts; h5wasm's datasets lack it).
   */
  readElementsInto?(lo: number, hi: number, dest: Uint8Array): void;
  /** Elements [lo, hi) as raw bytes in a buffer of their own (the direct reader: no copy where it can). */
  readElements?(lo: number, hi: number): Uint8Array;
  /** Starts reading elements [lo, hi) ahead, when the file can (the direct reader in a browser). */
  prefetchElements?(lo: number, hi: number): Promise<void> | undefined;
}

/**
 * The low-level h5wasm module (its `Module` export), when the opener passes it: rows of a CSR
 * matrix are then read into a reused buffer of h5wasm's heap and handed out as views, so the
 * engine copies them once, into the core's heap, instead of three times (h5wasm's slice copy,
 * a typed array, the core).
 */
export interface H5Raw {
  HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(ptr: number): void;
  get_dataset_data(fileId: bigint, path: string, count: bigint[] | null, offset: bigint[] | null, strides: bigint[] | null, ptr: bigint): number;
}

// h5wasm's H5T classes of the metadata (H5T_INTEGER = 0, H5T_FLOAT = 1).
export interface H5Group extends H5Node {
  keys(): string[];
  get(path: string): H5Dataset | H5Group | null;
}
export interface H5File extends H5Group {
  close(): unknown;
}

export const GROUP = 'Group'; // h5wasm OBJECT_TYPE.GROUP
export const DATASET = 'Dataset';

export function attrString(node: H5Node | null, name: string): string | undefined {
  const a = node?.attrs?.[name];
  if (!a) return undefined;
  const v = a.value;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

export function attrNumbers(node: H5Node | null, name: string): number[] | undefined {
  const a = node?.attrs?.[name];
  if (!a) return undefined;
  const v = a.value as ArrayLike<number | bigint> | number | bigint;
  if (typeof v === 'number' || typeof v === 'bigint') return [Number(v)];
  return Array.from(v as ArrayLike<number | bigint>, Number);
}

/** Paths looked up in one open file: existence, nodes, and datasets (kept once found). */
export class H5Paths {
  /** Datasets looked up so far, by path. */
  private readonly datasets = new Map<string, H5Dataset>();

  constructor(readonly file: H5File) {}

  exists(path: string): boolean {
    try {
      return this.file.get(path) != null;
    } catch {
      return false;
    }
  }

  node(path: string): H5Dataset | H5Group {
    const n = this.file.get(path);
    if (!n) throw new CellTypistError('corrupt_h5ad', `the h5ad file has no '${path}'`);
    return n;
  }

  dataset(path: string): H5Dataset {
    // Kept: the file is read-only, and h5wasm's get() looks the path up in the file and fetches
    // the dataset's metadata again for every new object (three per chunk otherwise).
    const known = this.datasets.get(path);
    if (known) return known;
    const n = this.node(path);
    if (n.type !== DATASET) throw new CellTypistError('corrupt_h5ad', `'${path}' in the h5ad file is not a dataset`);
    this.datasets.set(path, n as H5Dataset);
    return n as H5Dataset;
  }
}
