/**
 * Opens any supported input from browser Files (one file, several dropped together, or a
 * dropped Cell Ranger folder) in a worker: text formats are read synchronously with
 * FileReaderSync and spill to the origin-private file system; .h5ad files are read directly
 * (h5ad/direct/) when they can be, other HDF5 files are opened by the caller's h5wasm mount
 * (WORKERFS), then recognized as .h5ad or Cell Ranger .h5.
 */
import type { H5File, H5Raw } from '../h5ad/read.ts';
import { fileByteSource, filePositionalReader } from './byte-source.ts';
import { blobRangeReader, withPrefetch } from './prefetch-reader.ts';
import { openDirectH5ad } from '../h5ad/direct/open.ts';
import { readerOfHdf5 } from './hdf5.ts';
import { readMtx } from './mtx.ts';
import { planInput } from './plan.ts';
import type { MatrixReader } from './reader.ts';
import { browserSpill } from './spill.ts';
import { readTextTable } from './text-table.ts';

export interface BrowserInputOptions {
  /** Opens an HDF5 File with h5wasm (the worker mounts it read-only). */
  openHdf5: (file: File) => Promise<H5File>;
  /** h5wasm's module (`await h5wasm.ready`): .h5ad rows are then read with one copy (see H5Raw). */
  h5_raw?: H5Raw;
  /** Loads h5wasm's module when a file needs it (instead of `h5_raw`: most .h5ad files are read without h5wasm). */
  load_h5_raw?: () => Promise<H5Raw>;
  transpose_input?: boolean;
  model_features?: string[];
  onProgress?: (fraction: number, message: string) => void;
}

export async function openInputFiles(files: File[], options: BrowserInputOptions): Promise<MatrixReader> {
  const plan = planInput(files);
  if (plan.kind === 'hdf5') {
    // An .h5ad that anndata wrote is read without h5wasm (h5ad/direct/): faster and lighter.
    if (/\.h5ad$/i.test(plan.file.name)) {
      const direct = openDirectH5ad(withPrefetch(filePositionalReader(plan.file), blobRangeReader(plan.file)), () => undefined);
      if (direct) return direct;
    }
    const h5 = await options.openHdf5(plan.file);
    try {
      return readerOfHdf5(h5, plan.file.name, options.model_features, options.h5_raw ?? (await options.load_h5_raw?.()));
    } catch (e) {
      h5.close();
      throw e;
    }
  }
  const common = { transpose_input: options.transpose_input, spill: browserSpill, onProgress: options.onProgress };
  if (plan.kind === 'table') return readTextTable(fileByteSource(plan.file), common);
  return readMtx(
    { matrix: fileByteSource(plan.matrix), genes: fileByteSource(plan.genes), cells: fileByteSource(plan.cells), cellranger: plan.cellranger },
    { ...common, model_features: options.model_features },
  );
}
