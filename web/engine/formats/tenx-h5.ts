/**
 * Cell Ranger's feature-barcode HDF5 (filtered_feature_bc_matrix.h5) as scanpy's read_10x_h5
 * reads it: v3 `matrix/{data,indices,indptr,shape,barcodes,features/{id,name,feature_type}}`,
 * v2 `<genome>/{data,indices,indptr,shape,barcodes,genes,gene_names}`; Gene Expression features
 * only. The matrix is genes × cells CSC, i.e. cells × genes CSR: chunks of cells are read by
 * hyperslab, like an h5ad's X, so memory stays bounded at any size.
 */
import type { CsrChunk, H5Dataset, H5File, H5Group } from '../h5ad/read.ts';
import { CellTypistError } from '../types.ts';
import { CountsReader } from './counts-reader.ts';
import { chooseIdentifier, countsWarning } from './orientation.ts';
import type { InputFormat } from './reader.ts';

function strings(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => (x instanceof Uint8Array ? new TextDecoder().decode(x) : String(x)));
  if (typeof v === 'string') return [v];
  throw new CellTypistError('corrupt_10x', 'expected strings in the Cell Ranger .h5 file');
}

function numbers(v: unknown): ArrayLike<number> {
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Float64Array.from(v as BigInt64Array, Number);
  if (ArrayBuffer.isView(v)) return v as unknown as ArrayLike<number>;
  throw new CellTypistError('corrupt_10x', 'expected numbers in the Cell Ranger .h5 file');
}

/** 'v3', 'v2' (with its genome group) or null when the file is not Cell Ranger's. */
export function tenxLayout(file: H5File): { version: 'v3'; group: string } | { version: 'v2'; group: string; genomes: string[] } | null {
  const keys = file.keys();
  if (keys.includes('matrix')) {
    const g = file.get('matrix') as H5Group;
    if (g?.type === 'Group' && g.keys().includes('indptr')) return { version: 'v3', group: 'matrix' };
  }
  const genomes = keys.filter((k) => {
    const g = file.get(k) as H5Group | null;
    return g?.type === 'Group' && ['barcodes', 'genes', 'indptr'].every((x) => g.keys().includes(x));
  });
  if (genomes.length > 0) return { version: 'v2', group: genomes[0], genomes };
  return null;
}

export interface TenxOptions {
  name: string;
  model_features?: string[];
}

export function readTenxH5(file: H5File, options: TenxOptions): CountsReader {
  const layout = tenxLayout(file);
  if (!layout) throw new CellTypistError('not_10x', `${options.name} is not a Cell Ranger .h5`);
  if (layout.version === 'v2' && layout.genomes.length > 1) {
    throw new CellTypistError('several_genomes', `${options.name} holds several genomes (${layout.genomes.join(', ')}); scanpy's read_10x_h5 needs one too: split it with Cell Ranger, or export one genome`);
  }
  const g = layout.group;
  const ds = (p: string) => {
    const d = file.get(`${g}/${p}`) as H5Dataset | null;
    if (!d || d.type !== 'Dataset') throw new CellTypistError('corrupt_10x', `${options.name} has no '${g}/${p}': it is not a complete Cell Ranger .h5 (re-export it from Cell Ranger)`);
    return d;
  };
  const shape = Array.from(numbers(ds('shape').value));
  const [nFeatures, nCells] = shape;
  const barcodes = strings(ds('barcodes').value);
  const ids = strings(ds(layout.version === 'v3' ? 'features/id' : 'genes').value);
  const names = strings(ds(layout.version === 'v3' ? 'features/name' : 'gene_names').value);
  const types = layout.version === 'v3' ? strings(ds('features/feature_type').value) : ids.map(() => 'Gene Expression');
  const indptr = numbers(ds('indptr').value);
  if (barcodes.length !== nCells || ids.length !== nFeatures || indptr.length !== nCells + 1) {
    throw new CellTypistError('corrupt_10x', `${options.name} is inconsistent: shape says ${nFeatures} features × ${nCells} cells but it has ${ids.length} features, ${barcodes.length} barcodes and ${indptr.length} column pointers`);
  }
  const warnings: string[] = [];
  // Gene Expression only, with the old → new gene index.
  const keep = new Int32Array(nFeatures).fill(-1);
  let kept = 0;
  for (let i = 0; i < nFeatures; i++) if (types[i] === 'Gene Expression') keep[i] = kept++;
  if (kept === 0) throw new CellTypistError('no_genes', `${options.name} has no 'Gene Expression' features (types: ${[...new Set(types)].join(', ')})`);
  const keptIdx = Array.from({ length: nFeatures }, (_, i) => i).filter((i) => keep[i] >= 0);
  if (kept < nFeatures) {
    warnings.push(`${(nFeatures - kept).toLocaleString('en-US')} features that are not 'Gene Expression' (${[...new Set(types.filter((t) => t !== 'Gene Expression'))].join(', ')}) are left out, as scanpy's read_10x_h5 does.`);
  }
  const keptIds = keptIdx.map((i) => ids[i]);
  const keptNames = keptIdx.map((i) => names[i]);
  const pick = chooseIdentifier(keptIds, keptNames, options.model_features);
  if (pick.note) warnings.push(pick.note);
  const filtered = kept < nFeatures;
  const data = ds('data');
  const indices = ds('indices');
  const cellNnz = new Int32Array(nCells);
  const rows = (start: number, end: number): CsrChunk => {
    const lo = indptr[start];
    const hi = indptr[end];
    const vals = hi > lo ? numbers(data.slice([[lo, hi]])) : new Float32Array(0);
    const idx = hi > lo ? numbers(indices.slice([[lo, hi]])) : new Int32Array(0);
    const n = end - start;
    const ptr = new Int32Array(n + 1);
    const outData = new Float32Array(vals.length);
    const outIdx = new Int32Array(vals.length);
    let k = 0;
    for (let r = 0; r < n; r++) {
      for (let q = indptr[start + r] - lo; q < indptr[start + r + 1] - lo; q++) {
        const gene = filtered ? keep[idx[q]] : idx[q];
        if (gene < 0 || vals[q] === 0) continue;
        outData[k] = vals[q];
        outIdx[k++] = gene;
      }
      ptr[r + 1] = k;
    }
    return { n_rows: n, n_cols: kept, data: outData.subarray(0, k), indices: outIdx.subarray(0, k), indptr: ptr };
  };
  // Nonzeros per cell bound the chunks; with other feature types they are an upper bound.
  for (let c = 0; c < nCells; c++) cellNnz[c] = indptr[c + 1] - indptr[c];
  const first = rows(0, Math.min(1000, nCells));
  let max = 0;
  for (let i = 0; i < first.data.length; i++) if (first.data[i] > max) max = first.data[i];
  const w = countsWarning(max);
  if (w) warnings.push(w);
  const format: InputFormat = { name: `Cell Ranger ${layout.version} .h5`, orientation: 'genes × cells', files: [options.name], warnings };
  return new CountsReader({
    format,
    cells: barcodes,
    genes: pick.use === 'id' ? keptIds : keptNames,
    varColumns: { gene_ids: keptIds, gene_symbols: keptNames, feature_types: keptIdx.map((i) => types[i]) },
    cellNnz,
    rows,
    close: () => file.close(),
  });
}
