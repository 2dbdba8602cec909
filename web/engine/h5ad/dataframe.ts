/**
 * The dataframes of an .h5ad (obs, var, raw/var): their index, their columns and each column's
 * values, in the current encoding (a group per dataframe, `encoding-type` attrs, categoricals
 * as codes + categories) and the old one (one compound dataset, `__categories` or
 * `uns/<col>_categories`).
 */
import { CellTypistError } from '../types.ts';
import { attrString, GROUP, type H5Dataset, type H5Group, type H5Paths } from './h5-objects.ts';
import { decodeStrings, toFloat32, toInt } from './h5-values.ts';

export interface ObsColumn {
  name: string;
  kind: 'categorical' | 'string' | 'numeric' | 'bool';
  n_categories?: number;
}

/** The index (row names) of the dataframe at `path`. */
export function dataframeIndex(paths: H5Paths, path: string): string[] {
  const n = paths.node(path);
  if (n.type === GROUP) {
    const idx = attrString(n, '_index') ?? '_index';
    return decodeStrings(paths.dataset(`${path}/${idx}`).value);
  }
  const rows = (n as H5Dataset).value as unknown[][];
  return rows.map((r) => String(r[0]));
}

/** The columns of the dataframe at `path` and their kinds (none when it does not exist). */
export function dataframeColumns(paths: H5Paths, path: string): ObsColumn[] {
  const n = paths.file.get(path);
  if (!n) return [];
  if (n.type === GROUP) {
    const g = n as H5Group;
    const idx = attrString(g, '_index') ?? '_index';
    const out: ObsColumn[] = [];
    for (const k of g.keys()) {
      if (k === idx || k === '__categories') continue;
      const c = g.get(k);
      if (!c) continue;
      if (c.type === GROUP) {
        const enc = attrString(c, 'encoding-type');
        if (enc === 'categorical') {
          const cats = (c as H5Group).get('categories') as H5Dataset | null;
          out.push({ name: k, kind: 'categorical', n_categories: cats?.shape?.[0] ?? 0 });
        } else if (enc === 'nullable-boolean') {
          out.push({ name: k, kind: 'bool' });
        } else if (enc === 'nullable-integer') {
          out.push({ name: k, kind: 'numeric' });
        }
        continue;
      }
      const ds = c as H5Dataset;
      if (paths.exists(`${path}/__categories/${k}`)) {
        out.push({ name: k, kind: 'categorical' });
        continue;
      }
      const dt = String(ds.dtype);
      out.push({ name: k, kind: dt === 'S' || dt.startsWith('S') || dt.startsWith('A') ? 'string' : dt === '?' || dt === 'b1' ? 'bool' : 'numeric' });
    }
    return out;
  }
  const dtype = (n as H5Dataset).dtype as [string, string][];
  return dtype.slice(1).map(([name, t]) => {
    if (paths.exists(`uns/${name}_categories`)) return { name, kind: 'categorical' as const };
    return { name, kind: String(t).startsWith('A') || String(t).startsWith('S') ? ('string' as const) : ('numeric' as const) };
  });
}

/** A column of the dataframe at `path`: strings for categorical/string columns, numbers otherwise. */
export function readColumn(paths: H5Paths, path: string, name: string): string[] | Float64Array {
  const n = paths.node(path);
  if (n.type === GROUP) {
    const c = (n as H5Group).get(name);
    if (!c) {
      const cols = dataframeColumns(paths, path).map((x) => x.name);
      throw new CellTypistError('no_column', `'${path}' has no column '${name}'${cols.length ? ` (columns: ${cols.slice(0, 12).join(', ')})` : ''}`);
    }
    if (c.type === GROUP) {
      const enc = attrString(c, 'encoding-type');
      if (enc === 'categorical') {
        // Through dataset(): a categorical without its parts is a clear 'corrupt' error.
        const cats = decodeStrings(paths.dataset(`${path}/${name}/categories`).value);
        const codes = toInt(paths.dataset(`${path}/${name}/codes`).value);
        return Array.from(codes, (k) => (Number(k) < 0 ? 'nan' : cats[Number(k)]));
      }
      const values = (c as H5Group).get('values') as H5Dataset | null;
      if (values) return Float64Array.from(toFloat32(values.value));
      throw new CellTypistError('unsupported_h5ad', `column '${name}' has an unsupported encoding '${enc}'`);
    }
    const ds = c as H5Dataset;
    const catsPath = `${path}/__categories/${name}`;
    if (paths.exists(catsPath)) {
      const cats = decodeStrings(paths.dataset(catsPath).value);
      return Array.from(toInt(ds.value), (k) => (Number(k) < 0 ? 'nan' : cats[Number(k)]));
    }
    const v = ds.value;
    if (Array.isArray(v) && (v.length === 0 || typeof v[0] === 'string')) return v as string[];
    return Float64Array.from(v as ArrayLike<number>, Number);
  }
  // Legacy compound dataframe.
  const dtype = (n as H5Dataset).dtype as [string, string][];
  const i = dtype.findIndex(([f]) => f === name);
  if (i < 0) throw new CellTypistError('no_column', `'${path}' has no column '${name}' (columns: ${dtype.slice(1).map(([f]) => f).join(', ')})`);
  const rows = (n as H5Dataset).value as unknown[][];
  const catsPath = `uns/${name}_categories`;
  if (paths.exists(catsPath)) {
    const cats = decodeStrings(paths.dataset(catsPath).value);
    return rows.map((r) => (Number(r[i]) < 0 ? 'nan' : cats[Number(r[i])]));
  }
  if (typeof rows[0]?.[i] === 'string') return rows.map((r) => String(r[i]));
  return Float64Array.from(rows, (r) => Number(r[i]));
}

/**
 * The categories of a categorical obs column, in their stored order (pandas' category order),
 * or null when the column is not categorical. Plots order groups by them.
 */
export function obsCategories(paths: H5Paths, name: string): string[] | null {
  // Probe parents first: asking HDF5 for a child of a dataset prints diagnostics.
  const col = paths.exists('obs') ? paths.file.get('obs') : null;
  const own = col?.type === GROUP && paths.exists(`obs/${name}`) ? paths.file.get(`obs/${name}`) : null;
  if (own?.type === GROUP) return (own as H5Group).keys().includes('categories') ? decodeStrings(paths.dataset(`obs/${name}/categories`).value) : null;
  if (col?.type === GROUP && (col as H5Group).keys().includes('__categories') && paths.exists(`obs/__categories/${name}`)) {
    return decodeStrings(paths.dataset(`obs/__categories/${name}`).value);
  }
  return paths.exists('uns') && paths.exists(`uns/${name}_categories`) ? decodeStrings(paths.dataset(`uns/${name}_categories`).value) : null;
}
