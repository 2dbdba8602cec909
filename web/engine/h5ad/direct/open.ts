/**
 * Opens an .h5ad with the direct HDF5 reader (file.ts) when it can read everything an annotation
 * may ask of the file, else returns null and the caller uses h5wasm. Deciding at open time keeps
 * the fallback simple: no read fails later for lack of a feature.
 */
import { H5adReader } from '../read.ts';
import { DirectDataset, DirectFile } from './file.ts';
import type { PositionalReader } from './format.ts';

/** The parts of an h5ad the engine reads: the matrices, the dataframes, embeddings and graphs. */
const READ_PATHS = ['X', 'raw', 'obs', 'var', 'obsm', 'obsp', 'uns/neighbors'];
/** Objects visited at most (a file with more is read with h5wasm rather than walked at length). */
const MAX_OBJECTS = 20_000;

/**
 * An H5adReader over the direct reader, or null when the file needs h5wasm (a feature the direct
 * reader lacks, or any surprise: h5wasm then reads it, or says clearly what is wrong with it).
 * `onClose` runs when the reader is closed, or at once when null is returned.
 */
export function openDirectH5ad(file: PositionalReader, onClose: () => void): H5adReader | null {
  try {
    const root = DirectFile.open(file, onClose);
    let visited = 0;
    const visit = (node: ReturnType<DirectFile['get']>, depth: number) => {
      if (!node || ++visited > MAX_OBJECTS || depth > 8) throw new Error('too deep or too many objects');
      for (const a of Object.values(node.attrs)) void a.value; // decodes every attribute now
      if (node instanceof DirectDataset) node.checkReadable();
      else for (const k of node.keys()) visit(node.get(k), depth + 1);
    };
    for (const p of READ_PATHS) {
      const node = root.get(p);
      if (node) visit(node, 0);
    }
    return new H5adReader(root);
  } catch {
    onClose();
    return null;
  }
}
