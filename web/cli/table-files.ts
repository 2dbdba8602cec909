/**
 * The CLI's annotate outputs: predicted_labels.csv, decision_matrix.csv, probability_matrix.csv
 * (and umap.csv), written as CellTypist's `celltypist` command names them. Files are opened
 * before any work (an unwritable folder fails in a second, not after the run), the matrices are
 * streamed while cells are scored, and every file keeps a `.partial` name until the whole run
 * succeeded: a failure (disk full, cancelled, bad input) leaves nothing that looks complete.
 */
import path from 'node:path';
import { AtomicFile, makeOutputFolder } from '../engine/export/atomic-file.ts';
import { embeddingCsv } from '../engine/export/csv.ts';
import { type MatrixTable, type MatrixTableSink, predictedLabelsCsvChunks } from '../engine/export/csv-stream.ts';
import type { AnnotationResult } from '../engine/node.ts';

/** Bytes of a matrix table that may wait for the disk (a few chunks' rows). */
const BACKLOG_BYTES = 16 << 20;

export interface TableFilesOptions {
  prefix: string;
  /** decision_matrix.csv and probability_matrix.csv (CellTypist always writes them). */
  matrices: boolean;
  umap: boolean;
}

export class TableFiles {
  private readonly files = new Map<string, AtomicFile>();
  /** Streams the two matrices during scoring; undefined with matrices off. */
  readonly sink?: MatrixTableSink;
  /** Ctrl-C / kill: remove the partial files, then exit as interrupted. */
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.discard();
    process.stderr.write(`\ninterrupted (${signal}): no output was written\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };

  constructor(
    readonly outdir: string,
    private readonly options: TableFilesOptions,
  ) {
    makeOutputFolder(outdir);
    process.once('SIGINT', this.onSignal).once('SIGTERM', this.onSignal); // before any file exists
    try {
      const tables: MatrixTable[] = options.matrices ? ['decision_matrix', 'probability_matrix'] : [];
      for (const name of ['predicted_labels', ...tables, ...(options.umap ? ['umap'] : [])]) this.open(name);
      if (tables.length > 0) {
        // The matrices are written in the background while cells are scored, at most
        // BACKLOG_BYTES per table waiting for the disk.
        const file = (t: string) => this.files.get(t)!;
        this.sink = {
          tables,
          write: (t, bytes) => file(t).writeInBackground(bytes),
          drain: async () => {
            for (const t of tables) await file(t).drain(BACKLOG_BYTES);
          },
        };
      }
    } catch (e) {
      this.discard();
      throw e;
    }
  }

  private open(name: string): void {
    this.files.set(name, new AtomicFile(path.join(this.outdir, `${this.options.prefix}${name}.csv`)));
  }

  /** Paths of the files, in CellTypist's order. */
  paths(): string[] {
    return [...this.files.values()].map((f) => f.target);
  }

  /** Writes the per-cell tables of a finished run, then gives every file its real name. */
  async finish(r: AnnotationResult): Promise<void> {
    const labels = this.files.get('predicted_labels')!;
    for (const text of predictedLabelsCsvChunks(r)) labels.write(text);
    if (this.files.has('umap') && r.umap) this.files.get('umap')!.write(embeddingCsv(r.cell_ids, r.umap, ['UMAP1', 'UMAP2']));
    // Everything on disk first, then the real names: a failure leaves no file that looks complete.
    for (const f of this.files.values()) await f.drain();
    for (const f of this.files.values()) f.commit();
    this.stopListening();
  }

  /** Removes every partial file (after a failure). */
  discard(): void {
    for (const f of this.files.values()) f.discard();
    this.stopListening();
  }

  private stopListening(): void {
    process.off('SIGINT', this.onSignal).off('SIGTERM', this.onSignal);
  }
}
