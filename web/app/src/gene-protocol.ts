/**
 * Messages between colouring by a gene and its workers (gene-worker.ts): those of the Markers
 * worker for the same requests, plus a range of cells, so that workers can share one gene's read.
 */
import type { MarkersRequest, MarkersResponse } from './markers-protocol.ts';

export type GeneRequest =
  | Extract<MarkersRequest, { type: 'gene-names' }>
  /** `rows`: only cells [first, end) (a CSR X only). */
  | (Extract<MarkersRequest, { type: 'gene-values' }> & { rows?: [number, number] });

/** `csr_rows`: the cells of X when it is CSR (workers can share its reads), else null. */
export type GeneResponse =
  | (Extract<MarkersResponse, { type: 'gene-names' }> & { csr_rows: number | null })
  /** `values` from cell `first` on. */
  | (Extract<MarkersResponse, { type: 'gene-values' }> & { first: number; csr_rows: number | null })
  /** `needs_h5wasm`: the direct reader cannot read the file (the Markers worker reads it). */
  | { type: 'error'; id: number; message: string; needs_h5wasm?: boolean };
