/**
 * The reader contract of the annotate pipeline: what annotate.ts, over-cluster.ts and the heap
 * chunk streamer ask of an input. H5adReader satisfies it; so do the readers of the other formats
 * (text tables, Matrix Market, Cell Ranger folders and .h5), which add `format` so that the
 * pipeline applies CellTypist's handling of count tables (always normalize_total(1e4) + log1p).
 */
import type { H5adReader } from '../h5ad/read.ts';

/** Which input format a reader reads, for messages and the app's data summary. */
export interface InputFormat {
  /** Short format name shown to users, e.g. 'CSV table', 'Matrix Market', 'Cell Ranger v3 folder'. */
  name: string;
  /** How the file lays out the matrix: cells in rows, or genes in rows (transposed while reading). */
  orientation: 'cells × genes' | 'genes × cells';
  /** Files read, by name. */
  files: string[];
  /** Notes shown as warnings (orientation decisions, identifier choice, CellTypist's checks). */
  warnings: string[];
}

/** Everything the annotate pipeline reads from an input. */
export type MatrixReader = Pick<
  H5adReader,
  'summary' | 'matrix' | 'chunkEnd' | 'readRows' | 'obsNames' | 'varNames' | 'varColumns' | 'readObsColumn' | 'highlyVariableGenes' | 'readGraph' | 'readObsm' | 'close'
> & {
  /** Set by readers of count formats (not .h5ad): CellTypist normalizes these unconditionally. */
  readonly format?: InputFormat;
  /** readRows whose arrays may be views reused by the next read (the h5ad reader's one-copy path). */
  readRowsView?: H5adReader['readRowsView'];
  /** Rows read straight into caller memory (the direct h5ad reader); null when it does not apply. */
  readRowsInto?: H5adReader['readRowsInto'];
  /** Starts reading the rows of a later readRowsInto ahead (a browser's direct h5ad reader). */
  prefetchRows?: H5adReader['prefetchRows'];
  /** Values and row pointers of rows, without column indices (views as readRowsView). */
  readRowValues?: H5adReader['readRowValues'];
};
