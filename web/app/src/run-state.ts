/** What one shown run holds; dropped (and its worker replaced) when the next run starts. */
import type { Categorical, CompactResult } from '../../engine/worker/compact.ts';
import type { RunSpec } from '../../engine/worker/protocol.ts';

export interface RunState {
  spec: RunSpec;
  result: CompactResult;
  /** Row-major cells × 2, the file's embedding or the computed UMAP (null until there is one). */
  positions: Float32Array | null;
  embeddingName: string;
  /** Categorical/string obs columns with ≤ 500 distinct values (e.g. samples), for proportions. */
  groups: Record<string, Categorical>;
  /** Cells chosen with the box or lasso tool (null: none). */
  selected: Uint32Array | null;
  /** Model name and version of the run (recorded in exported files). */
  model: { name: string; version: string };
}

/** The name a computed UMAP is shown under (and exported as obsm['X_umap']). */
export const COMPUTED_UMAP = 'UMAP (computed)';
