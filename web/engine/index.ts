/**
 * celltypist-wasm engine: platform-neutral public API (browser worker and Node).
 * Node-only helpers (opening files by path) are in ./node.ts.
 */
export * from './types.ts';
export { H5adReader, type CsrChunk, type H5adSummary, type MatrixInfo, type ObsColumn } from './h5ad/read.ts';
export { chooseInput, inspectMatrix, type MatrixVerdict, type DataKind } from './h5ad/normalization.ts';
export { annotateReader, loadModel, type AnnotateContext } from './annotate.ts';
export { trainReader, type TrainOptions, type TrainResult, type TrainContext } from './train.ts';
export { clusterSource, type ClusterSource, type OverClusterOutput } from './over-cluster.ts';
export { writeModelPickle, modelDataOf, type ModelData } from './models/pickle-writer.ts';
export { crosstab, crosstabCsv, type Crosstab } from './export/crosstab.ts';
export { convertForSpecies, ORTHOLOG_TABLE, ID_TABLE, type GeneMapSource } from './genes/orthologs.ts';
export { toTable, predictedLabelsCsv, matrixCsv, proportionsCsv, pyFloat } from './export/csv.ts';
export {
  encodeIds,
  matrixCsvChunks,
  MatrixCsvFormatter,
  predictedLabelsCsvChunks,
  ScoreCsvStreamer,
  CSV_CHUNK_ROWS,
  type EncodedIds,
  type MatrixTable,
  type MatrixTableSink,
} from './export/csv-stream.ts';
export { loadCore, ensurePthreadWorkers, threadsAvailable, type LoadOptions } from './wasm/load.ts';
export { checkModelSize, memoryError, MAX_MODEL_BYTES } from './limits.ts';
export type { CoreModule, CoreModel, Variant } from './wasm/core.ts';
export { openInputFiles, type BrowserInputOptions } from './formats/open-browser.ts';
export type { InputFormat, MatrixReader } from './formats/reader.ts';
export { planInput, type InputPlan } from './formats/plan.ts';
