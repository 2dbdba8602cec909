/** Messages between the page and the annotation worker (one protocol, typed both ways). */
import type { AnnotateOptions, AnnotationResult, ModelInfo, Progress } from '../../engine/types.ts';
import type { H5adSummary } from '../../engine/h5ad/read.ts';
import type { GeneTable } from '../../engine/models/registry.ts';
import type { TrainOptions, TrainResult } from '../../engine/train.ts';

export type Request =
  | { type: 'summary'; id: number; file: File }
  | { type: 'model'; id: number; bytes: Uint8Array }
  | {
      type: 'annotate';
      id: number;
      file: File;
      model: Uint8Array;
      options: AnnotateOptions;
      embedding?: string;
      /** The ortholog table to fetch (verified, cached) if the model must be converted to the data's species. */
      geneTable?: GeneTable;
      /** The Ensembl ID → symbol table, fetched if the data has Ensembl IDs and no symbol column. */
      idTable?: GeneTable;
    }
  | { type: 'cancel'; id: number }
  /** celltypist.train on the file; the model comes back as .pkl bytes. */
  | { type: 'train'; id: number; file: File; options: TrainOptions };

export type Response =
  | { type: 'ready'; variant: string }
  | { type: 'summary'; id: number; summary: H5adSummary; kind: string; warnings: string[] }
  | { type: 'model'; id: number; info: ModelInfo }
  | { type: 'progress'; id: number; progress: Progress }
  | {
      type: 'result';
      id: number;
      result: AnnotationResult;
      embedding: { name: string; dims: number; data: Float32Array } | null;
      /** Categorical/string obs columns with ≤ 500 distinct values, for proportions per sample. */
      groups: Record<string, string[]>;
    }
  | { type: 'trained'; id: number; result: TrainResult }
  | { type: 'error'; id: number; code: string; message: string };
