/**
 * What scanpy stored beside the matrix about the cells: the embeddings of obsm (X_pca, X_umap,
 * ...) and the neighbour graph (obsp/connectivities), in the current and the old encodings.
 */
import { CellTypistError } from '../types.ts';
import { DATASET, GROUP, type H5Dataset, type H5Group, type H5Paths } from './h5-objects.ts';
import { toFloat32, toInt } from './h5-values.ts';
import { matrixInfo } from './matrix.ts';

/** obsm keys with their number of dimensions. */
export function obsmKeys(paths: H5Paths): { name: string; dims: number }[] {
  const obsm = paths.file.get('obsm');
  if (!obsm) return [];
  if (obsm.type === GROUP) {
    return (obsm as H5Group)
      .keys()
      .map((k) => ({ k, n: (obsm as H5Group).get(k) }))
      .filter(({ n }) => n && n.type === DATASET && (n as H5Dataset).shape?.length === 2)
      .map(({ k, n }) => ({ name: k, dims: (n as H5Dataset).shape![1] }));
  }
  const dtype = (obsm as H5Dataset).dtype as { compound_type?: { members: { name: string; shape?: number[] }[] } } | unknown[];
  if (Array.isArray(dtype)) {
    return (dtype as [string, string, number[]?][]).map(([name, , shape]) => ({ name, dims: shape?.[0] ?? 1 }));
  }
  return [];
}

/** An embedding as row-major float32 (n_obs × dims). */
export function readObsm(paths: H5Paths, name: string): { dims: number; data: Float32Array } {
  const obsm = paths.node('obsm');
  if (obsm.type === GROUP) {
    const ds = paths.dataset(`obsm/${name}`);
    const dims = ds.shape?.[1] ?? 1;
    return { dims, data: toFloat32(ds.value) };
  }
  const rows = (obsm as H5Dataset).value as unknown[][];
  const keys = obsmKeys(paths);
  const i = keys.findIndex((k) => k.name === name);
  if (i < 0) throw new CellTypistError('no_embedding', `obsm has no '${name}'`);
  const dims = keys[i].dims;
  const data = new Float32Array(rows.length * dims);
  rows.forEach((row, r) => {
    const v = row[i] as ArrayLike<number>;
    for (let d = 0; d < dims; d++) data[r * dims + d] = Number(v[d]);
  });
  return { dims, data };
}

/** Where the file keeps its neighbour graph, or null. */
export function graphPath(paths: H5Paths): string | null {
  return ['obsp/connectivities', 'uns/neighbors/connectivities'].find((p) => paths.exists(p)) ?? null;
}

/**
 * The neighbour graph of `n` cells scanpy stores (obsp/connectivities, or
 * uns/neighbors/connectivities in old files) as CSR, or null when the file has none. A
 * symmetric graph stored as CSC is the same matrix, so CSC is accepted too.
 */
export function readGraph(paths: H5Paths, n: number): { n: number; indptr: Int32Array; indices: Int32Array; weights: Float64Array } | null {
  const path = graphPath(paths);
  if (!path) return null;
  const info = matrixInfo(paths, path);
  if (info.encoding === 'dense' || info.n_rows !== n || info.n_cols !== n) {
    throw new CellTypistError('bad_graph', `the neighbour graph ${path} is not a sparse ${n} × ${n} matrix (it is ${info.encoding} ${info.n_rows} × ${info.n_cols}); remove it or recompute it with scanpy's pp.neighbors`);
  }
  const indptr = Int32Array.from(toInt(paths.dataset(`${path}/indptr`).value), Number);
  const indices = Int32Array.from(toInt(paths.dataset(`${path}/indices`).value), Number);
  const raw = paths.dataset(`${path}/data`).value as ArrayLike<number>;
  const weights = raw instanceof Float64Array ? raw : Float64Array.from(raw);
  if (indptr.length !== n + 1 || indices.length !== weights.length || indptr[n] !== indices.length) {
    throw new CellTypistError('bad_graph', `the neighbour graph ${path} is malformed (inconsistent indptr/indices/data); remove it or recompute it with scanpy's pp.neighbors`);
  }
  return { n, indptr, indices, weights };
}
