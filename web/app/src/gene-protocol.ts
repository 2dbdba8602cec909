/**
 * Messages between colouring by a gene and its workers (gene-worker.ts): those of the Markers
 * worker for the same requests, plus a share of the cells, so that workers can split one gene's read.
 */
import type { MarkersRequest, MarkersResponse } from './markers-protocol.ts';

export type GeneRequest =
  /** `open_only`: open the file and read its names for later genes, answer no list (the workers that share genes). */
  | (Extract<MarkersRequest, { type: 'gene-names' }> & { open_only?: boolean })
  /** `share` [i, k]: the i-th of k equal ranges of cells (a CSR X; else share 0 reads every cell, the others none). */
  | (Extract<MarkersRequest, { type: 'gene-values' }> & { share?: [number, number] });

export type GeneResponse =
  | Extract<MarkersResponse, { type: 'gene-names' }>
  /** `values` from cell `first` on. */
  | (Extract<MarkersResponse, { type: 'gene-values' }> & { first: number })
  /** `needs_h5wasm`: the direct reader cannot read the file (the Markers worker reads it). */
  | { type: 'error'; id: number; message: string; needs_h5wasm?: boolean };
