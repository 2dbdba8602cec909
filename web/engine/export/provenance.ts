/** The provenance recorded in uns['celltypist'] of annotated files: which model, which options. */
import type { AnnotateOptions } from '../types.ts';
import type { Provenance } from './h5ad-stream.ts';

/** sha256 of bytes as hex (WebCrypto: Node 20 and browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as unknown as ArrayBuffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The options that change the annotations, as recorded (absent ones at CellTypist's defaults). */
export function recordedOptions(o: AnnotateOptions): Record<string, string | number | boolean> {
  return {
    mode: o.mode ?? 'best_match',
    p_thres: o.p_thres ?? 0.5,
    majority_voting: o.majority_voting ?? false,
    over_clustering: !o.majority_voting ? '' : typeof o.over_clustering === 'string' ? o.over_clustering : o.over_clustering ? 'given per cell' : 'automatic',
    min_prop: o.min_prop ?? 0,
    seed: o.seed ?? 0,
    gene_column: o.gene_column ?? '',
    normalize_counts: o.normalize_counts ?? false,
    convert_orthologs: o.convert_orthologs ?? true,
    insert_conf_by: o.insert_conf_by ?? 'predicted_labels',
  };
}

/** Provenance of a run of `modelName` (its bytes and description version) with `options`. */
export async function provenanceOf(modelName: string, modelBytes: Uint8Array, modelVersion: string, options: AnnotateOptions): Promise<Provenance> {
  return { model: modelName, model_version: modelVersion, model_sha256: await sha256Hex(modelBytes), options: recordedOptions(options) };
}
