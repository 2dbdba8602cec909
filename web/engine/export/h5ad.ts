/**
 * Annotated .h5ad, like CellTypist's `AnnotationResult.to_adata()`: the input file plus obs
 * columns `predicted_labels`, `over_clustering`, `majority_voting` (strings) and `conf_score`,
 * and optionally the probability matrix in obsm (`probability_matrix`, cells × cell types, with
 * the cell-type names in uns/celltypist_labels). The caller copies the input first; this adds
 * to the copy in place, so memory stays independent of the matrix size.
 *
 * Legacy-encoded inputs (anndata < 0.8, compound obs) cannot take new columns in place: export
 * the CSV tables instead, or re-save the file with a current anndata.
 */
import type { AnnotationResult } from '../types.ts';
import { CellTypistError } from '../types.ts';
import { WRITE_LIBVER } from '../h5ad/write.ts';

interface RwNode {
  type: string;
  attrs: Record<string, { value: unknown }>;
  keys(): string[];
  get(p: string): RwNode | null;
  create_dataset(args: { name: string; data: unknown; shape?: number[] }): RwNode;
  create_group(name: string): RwNode;
  create_attribute(name: string, data: unknown): void;
  delete_attribute(name: string): number;
  close?(): unknown;
}

type H5Module = { File: new (path: string, mode: string, options?: object) => RwNode };

function attrStrings(node: RwNode, name: string): string[] {
  const v = node.attrs[name]?.value;
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return v ? [v] : [];
  return [];
}

/** Adds CellTypist's result columns to the h5ad file at `path` (a copy of the input). */
export function addAnnotations(h5: H5Module, path: string, r: AnnotationResult, options: { probabilities?: boolean } = {}): void {
  const f = new h5.File(path, 'a', { libver: WRITE_LIBVER });
  try {
    const obs = f.get('obs');
    if (!obs || obs.type !== 'Group') {
      throw new CellTypistError('legacy_h5ad', 'this file uses the old (anndata < 0.8) encoding, which cannot take new columns in place: download the CSV tables instead, or re-save the file with a current anndata');
    }
    const n = r.cell_ids.length;
    const columns: [string, string[] | Float64Array][] = [['predicted_labels', r.predicted_labels]];
    if (r.majority_voting) columns.push(['over_clustering', r.over_clustering!], ['majority_voting', r.majority_voting]);
    columns.push(['conf_score', r.conf_score]);
    const order = attrStrings(obs, 'column-order');
    for (const [name, values] of columns) {
      if (values.length !== n) throw new CellTypistError('bad_result', `column ${name} has ${values.length} values for ${n} cells`);
      if (obs.keys().includes(name)) {
        throw new CellTypistError('column_exists', `obs already has a '${name}' column (an earlier annotation?): remove it or write the CSV tables instead`);
      }
      const ds = obs.create_dataset({ name, data: values });
      ds.create_attribute('encoding-type', Array.isArray(values) ? 'string-array' : 'array');
      ds.create_attribute('encoding-version', '0.2.0');
      if (!order.includes(name)) order.push(name);
    }
    obs.delete_attribute('column-order');
    obs.create_attribute('column-order', order);
    const obsmGroup = () => {
      let obsm = f.get('obsm');
      if (!obsm) {
        obsm = f.create_group('obsm');
        obsm.create_attribute('encoding-type', 'dict');
        obsm.create_attribute('encoding-version', '0.1.0');
      }
      return obsm;
    };
    // A UMAP layout computed here (the file had no embedding) is kept as obsm['X_umap'].
    if (r.umap && r.umap.length === 2 * n && !(f.get('obsm')?.keys().includes('X_umap') ?? false)) {
      const ds = obsmGroup().create_dataset({ name: 'X_umap', data: r.umap, shape: [n, 2] });
      ds.create_attribute('encoding-type', 'array');
      ds.create_attribute('encoding-version', '0.2.0');
    }
    if (options.probabilities && r.probability_matrix) {
      const obsm = obsmGroup();
      const ds = obsm.create_dataset({ name: 'probability_matrix', data: r.probability_matrix, shape: [n, r.labels.length] });
      ds.create_attribute('encoding-type', 'array');
      ds.create_attribute('encoding-version', '0.2.0');
      const uns = f.get('uns');
      if (uns) {
        const labels = uns.create_dataset({ name: 'celltypist_labels', data: r.labels });
        labels.create_attribute('encoding-type', 'string-array');
        labels.create_attribute('encoding-version', '0.2.0');
      }
    }
  } finally {
    f.close?.();
  }
}
