/** Messages between colouring by a gene and its worker (gene-worker.ts): those of the Markers worker for the same requests. */
import type { MarkersRequest, MarkersResponse } from './markers-protocol.ts';

export type GeneRequest = Extract<MarkersRequest, { type: 'gene-names' | 'gene-values' }>;

export type GeneResponse =
  | Extract<MarkersResponse, { type: 'gene-names' | 'gene-values' }>
  /** `needs_h5wasm`: the direct reader cannot read the file (the Markers worker reads it). */
  | { type: 'error'; id: number; message: string; needs_h5wasm?: boolean };
