/** An open HDF5 file is an AnnData .h5ad or a Cell Ranger .h5; anything else is named for what it holds. */
import { H5adReader, type H5File, type H5Raw } from '../h5ad/read.ts';
import { CellTypistError } from '../types.ts';
import type { MatrixReader } from './reader.ts';
import { readTenxH5, tenxLayout } from './tenx-h5.ts';

/** `raw`: h5wasm's module, for the .h5ad reader's one-copy row reads (see H5Raw). */
export function readerOfHdf5(file: H5File, name: string, modelFeatures?: string[], raw?: H5Raw): MatrixReader {
  const keys = file.keys();
  if (keys.includes('X')) return new H5adReader(file, raw);
  if (tenxLayout(file)) return readTenxH5(file, { name, model_features: modelFeatures });
  const what = keys.length ? `it holds ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}` : 'it holds nothing readable: it is empty, truncated or corrupt';
  throw new CellTypistError(
    'not_anndata',
    `${name} is an HDF5 file but neither an AnnData .h5ad (no 'X' matrix) nor a Cell Ranger .h5 (no 'matrix' group); ${what}. Export your data with anndata's write_h5ad(), or give Cell Ranger's filtered_feature_bc_matrix.h5.`,
  );
}
