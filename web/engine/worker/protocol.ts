/** Messages between the page and the annotation worker (one protocol, typed both ways). */
import type { AnnotateOptions, ModelInfo, Progress } from '../types.ts';
import type { H5adSummary } from '../h5ad/read.ts';
import type { InputFormat } from '../formats/reader.ts';
import type { GeneTable } from '../models/registry.ts';
import type { TrainOptions, TrainResult } from '../train.ts';
import type { CoreFile } from '../wasm/load.ts';
import type { Categorical, CompactResult } from './compact.ts';

/** What an annotation needs (the export worker gets the same to rescore for matrix downloads). */
export interface RunSpec {
  file: File;
  /** Every file of the input (a .mtx with its names, a Cell Ranger folder); `file` is the first. */
  files?: File[];
  /** CellTypist's --transpose-input for count tables. */
  transpose_input?: boolean;
  model: Uint8Array;
  options: AnnotateOptions;
  /** The ortholog table to fetch (verified, cached) if the model must be converted to the data's species. */
  geneTable?: GeneTable;
  /** The Ensembl ID → symbol table, fetched if the data has Ensembl IDs and no symbol column. */
  idTable?: GeneTable;
}

export type Request =
  /** `files`: every file of the input (a .mtx with its names, a Cell Ranger folder); `file` is the first. */
  | { type: 'summary'; id: number; file: File; files?: File[]; transpose_input?: boolean }
  | { type: 'model'; id: number; bytes: Uint8Array }
  /** Prediction (+ majority voting); never the UMAP (see 'layout'), never the matrices. */
  | ({ type: 'annotate'; id: number; embedding?: string; /** A 'layout' follows: gather its gene statistics while predicting. */ layout_next?: boolean } & RunSpec)
  /** The UMAP layout of a file without an embedding, after the results are shown. */
  | { type: 'layout'; id: number; file: File; files?: File[]; transpose_input?: boolean; normalize_counts?: boolean; seed?: number }
  | { type: 'cancel'; id: number }
  /** Where the wasm core's files are (first message of package clients; default: bundled next to the engine). */
  | { type: 'config'; id: number; wasmBaseUrl?: string; wasmFiles?: Partial<Record<CoreFile, string>> }
  /** celltypist.train on the file; the model comes back as .pkl bytes. */
  | { type: 'train'; id: number; file: File; options: TrainOptions };

export type Response =
  | { type: 'ready'; variant: string }
  | { type: 'summary'; id: number; summary: H5adSummary & { format?: InputFormat }; kind: string; warnings: string[] }
  | { type: 'model'; id: number; info: ModelInfo }
  | { type: 'progress'; id: number; progress: Progress }
  | {
      type: 'result';
      id: number;
      result: CompactResult;
      /** The file's own embedding (first two columns), when it has the asked-for one. */
      embedding: { name: string; data: Float32Array } | null;
      /** Categorical/string obs columns with ≤ 500 distinct values, for proportions per sample. */
      groups: Record<string, Categorical>;
    }
  /** `from`: the majority-voting run's kept graph (only the layout was left) or the file (graph built anew). */
  | { type: 'layout'; id: number; data: Float32Array; from: 'voting-graph' | 'file' }
  | { type: 'trained'; id: number; result: TrainResult }
  | { type: 'error'; id: number; code: string; message: string };
