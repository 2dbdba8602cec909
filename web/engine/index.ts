/**
 * celltypist-wasm engine: platform-neutral public API (browser worker and Node).
 * Node-only helpers (opening files by path) are in ./node.ts.
 */
export * from './types.ts';
export { H5adReader, type CsrChunk, type H5adSummary, type MatrixInfo, type ObsColumn } from './h5ad/read.ts';
export { chooseInput, inspectMatrix, type MatrixVerdict, type DataKind } from './h5ad/normalization.ts';
export { annotateReader, loadModel, type AnnotateContext } from './annotate.ts';
export { toTable, predictedLabelsCsv, matrixCsv, proportionsCsv, pyFloat } from './export/csv.ts';
export { loadCore, threadsAvailable, type LoadOptions } from './wasm/load.ts';
export type { CoreModule, CoreModel, Variant } from './wasm/core.ts';
