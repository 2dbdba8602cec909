/**
 * celltypist-wasm for browsers (the package's `browser` condition): the platform-neutral engine,
 * `BrowserAnnotator` (annotation and training in a Web Worker) and the model catalog helpers
 * (streamed, sha256-checked downloads cached with the Cache API).
 */
export * from './index.ts';
export { BrowserAnnotator, type BrowserAnnotatorOptions, type BrowserAnnotateOptions, type BrowserAnnotation } from './browser-annotator.ts';
export { CORE_FILES, bundledCoreUrl, type CoreFile } from './wasm/load.ts';
export { fetchModel, fetchGeneTable, fetchBytes, type Fetched, type FetchModelOptions, type FetchProgress, type ModelStore } from './models/fetch.ts';
export { DownloadFailed, type DownloadFailure, type FailureCause } from './models/fetch-failure.ts';
export { parseMirror, applyMirror, type MirrorRegistry, type MirrorEntry } from './models/mirror.ts';
export { parseRegistry, findModel, findGeneTable, modelHosts, type Registry, type RegistryModel, type GeneTable } from './models/registry.ts';
export { CacheStore } from './models/cache-store.ts';
