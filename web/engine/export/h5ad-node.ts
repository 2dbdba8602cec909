/**
 * Node side of the streaming annotated-h5ad writer: the input opened lazily from disk, the output
 * written to `<out>.partial` and renamed when complete, so a failed or interrupted run never
 * leaves a file that looks complete.
 */
import { h5wasmNode } from '../h5ad/h5wasm-node.ts';
import { closeSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadModel } from '../annotate.ts';
import { loadCore } from '../wasm/load.ts';
import { CellTypistError, type AnnotateOptions, type AnnotationResult } from '../types.ts';
import { provenanceOf } from './provenance.ts';
import { scoresFromResult } from './scores.ts';
import type { CGroup } from '../h5ad/copy.ts';
import { checkWritten, writeAnnotatedH5ad, type Annotations, type Provenance, type WriteAnnotatedOptions } from './h5ad-stream.ts';
import type { ScoreStream } from './scores.ts';
import { findEncyclopedia, matchSummary } from '../encyclopedia/match.ts';
import { ontologyColumns, type OntologyColumns } from '../encyclopedia/ontology.ts';
import { nodeEncyclopedias } from '../encyclopedia/source-node.ts';

export async function writeAnnotatedH5adFile(inputPath: string, outPath: string, ann: Annotations, scores: ScoreStream | null, provenance: Provenance, opts: WriteAnnotatedOptions = {}): Promise<{ warnings: string[] }> {
  const h5 = (await h5wasmNode()).default;
  const input = new h5.File(inputPath, 'r') as unknown as CGroup & { close(): unknown };
  const partial = `${outPath}.partial`;
  try {
    const r = await writeAnnotatedH5ad(h5 as never, input, partial, ann, scores, provenance, opts);
    const head = Buffer.alloc(64);
    const fd = openSync(partial, 'r');
    try {
      readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    checkWritten(head, statSync(partial).size, outPath, 'the disk is probably full. Free some space (the annotated file is about the size of the input) or write it to another disk, and run again.');
    renameSync(partial, outPath);
    return r;
  } catch (e) {
    rmSync(partial, { force: true });
    const err = e as NodeJS.ErrnoException;
    if (e instanceof CellTypistError) throw e;
    const msg = String(err.message ?? e);
    if (err.code === 'ENOSPC' || /No space|ENOSPC/i.test(msg)) throw new CellTypistError('disk_full', `the disk is full while writing ${outPath}: free some space (the annotated file is about the size of the input) and run again`);
    throw new CellTypistError('write_failed', `could not write ${outPath}: ${msg}`);
  } finally {
    input.close();
  }
}

export interface AnnotatedFileOptions {
  /** The model used: a .pkl path or its bytes (recorded with its sha256). */
  model: string | Uint8Array;
  /** Name recorded for the model (default: the file name of `model`, or 'model.pkl'). */
  model_name?: string;
  /** The options of the run (recorded in uns['celltypist']['options']). */
  options: AnnotateOptions;
  /** Annotations-only file (obs + obsm + uns). */
  light?: boolean;
  onProgress?: WriteAnnotatedOptions['onProgress'];
  signal?: AbortSignal;
  /** Bytes per streamed slice (default 8 MB) and cells per score chunk (default 4096). */
  slice_bytes?: number;
  chunk_rows?: number;
  /**
   * Cell Ontology columns of obs: by default looked up in the shipped encyclopedias (the model's
   * own, else one sharing label names; none when no label is described); null: none.
   */
  ontology?: OntologyColumns | null;
  /**
   * Where obsm['probability_matrix'] comes from when the result kept no matrices (e.g. a
   * ProbabilitySpill's stream); default: the result's matrices, or none.
   */
  scores?: ScoreStream;
}

/**
 * Engine API: writes the annotated .h5ad of `result` (annotated from `inputPath`) at `outPath`,
 * streaming the input through; obsm['probability_matrix'] comes from `o.scores`, else the result's
 * matrices.
 */
export async function writeAnnotatedFile(inputPath: string, outPath: string, result: AnnotationResult, o: AnnotatedFileOptions): Promise<{ warnings: string[]; ontology: string | null }> {
  const bytes = typeof o.model === 'string' ? readFileSync(o.model) : o.model;
  const { core } = await loadCore({ variant: 'simd' });
  const m = loadModel(core, bytes);
  let version = '';
  try {
    version = m.description().version ?? '';
  } finally {
    m.delete();
  }
  const name = o.model_name ?? (typeof o.model === 'string' ? path.basename(o.model) : 'model.pkl');
  const provenance = await provenanceOf(name, bytes, version, o.options);
  const scores = o.scores ?? (result.probability_matrix && result.decision_matrix ? scoresFromResult(result, o.chunk_rows) : null);
  let ontology = o.ontology ?? null;
  let summary: string | null = null;
  if (o.ontology === undefined) {
    const match = await findEncyclopedia(nodeEncyclopedias(), { name, version, labels: result.labels });
    if (match) {
      ontology = ontologyColumns(result, match.encyclopedia);
      summary = matchSummary(match);
    }
  }
  const w = await writeAnnotatedH5adFile(inputPath, outPath, ontology ? { ...result, ontology } : result, scores, provenance, { light: o.light, onProgress: o.onProgress, signal: o.signal, slice_bytes: o.slice_bytes });
  return { ...w, ontology: summary };
}
