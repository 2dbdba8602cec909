/**
 * The probability matrix of a run, kept on disk instead of in memory (Node): rows are appended
 * as cells are scored (AnnotateContext.onScores) and read back chunk by chunk as a ScoreStream,
 * e.g. for the annotated .h5ad's obsm['probability_matrix']. A 1M-cell × 98-type run then holds
 * one chunk (~3 MB) instead of 784 MB, and the values are the run's own (no second scoring pass).
 * The temporary file is removed by `remove()`, and at process exit if the run was interrupted.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileError } from './atomic-file.ts';
import { CellTypistError } from '../types.ts';
import type { ScoreChunk, ScoreStream } from './scores.ts';

export class ProbabilitySpill {
  /** The temporary file (in the output folder, so it is on the disk the outputs go to). */
  readonly file: string;
  private fd: number | null;
  private rows = 0;
  /** Columns of the matrix, known from the first chunk. */
  private labels = 0;
  private readonly cleanup = () => this.remove();

  /** @param dir folder for the temporary file (the output folder) */
  constructor(dir: string) {
    this.file = path.join(dir, `.celltypist-probabilities-${process.pid}-${Date.now()}.partial`);
    try {
      this.fd = openSync(this.file, 'w+');
    } catch (e) {
      throw fileError(e, this.file);
    }
    process.once('exit', this.cleanup);
  }

  /** Appends a chunk's probability rows; chunks must come in order (hook for onScores). */
  add = (c: ScoreChunk): void => {
    if (this.fd === null) throw new CellTypistError('bad_result', 'the probability spill was already removed');
    if (c.start !== this.rows) throw new CellTypistError('bad_result', `score chunks out of order (rows ${c.start}, expected ${this.rows})`);
    if (this.rows === 0) this.labels = c.rows > 0 ? c.probability.length / c.rows : 0;
    if (c.probability.length !== c.rows * this.labels) throw new CellTypistError('bad_result', `a score chunk has ${c.probability.length} values for ${c.rows} cells × ${this.labels} types`);
    const bytes = new Uint8Array(c.probability.buffer, c.probability.byteOffset, c.probability.byteLength);
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(this.fd, bytes, off, bytes.length - off, this.rows * this.labels * 8 + off);
    } catch (e) {
      throw fileError(e, this.file);
    }
    this.rows += c.rows;
  };

  /** Cells written so far. */
  get n_rows(): number {
    return this.rows;
  }

  /**
   * The stored rows as consecutive chunks of `chunkRows` cells. The decision rows are not kept:
   * chunks carry an empty `decision` (consumers of this stream read the probabilities only).
   * A chunk's arrays are reused for the next one: copy what must outlive the callback.
   */
  stream(chunkRows = 4096): ScoreStream {
    return async (onChunk) => {
      const L = this.labels;
      const step = Math.max(1, chunkRows);
      const buf = new Float64Array(Math.min(step, Math.max(1, this.rows)) * L);
      for (let start = 0; start < this.rows; start += step) {
        const rows = Math.min(step, this.rows - start);
        const view = new Uint8Array(buf.buffer, 0, rows * L * 8);
        this.readAt(view, start * L * 8);
        await onChunk({ start, rows, decision: new Float64Array(0), probability: buf.subarray(0, rows * L) });
      }
    };
  }

  private readAt(view: Uint8Array, position: number): void {
    if (this.fd === null) throw new CellTypistError('bad_result', 'the probability spill was already removed');
    for (let off = 0; off < view.length; ) {
      const got = readSync(this.fd, view, off, view.length - off, position + off);
      if (got === 0) throw new CellTypistError('write_failed', `${this.file} is shorter than written: the disk may have failed; run again`);
      off += got;
    }
  }

  /** Closes and deletes the temporary file (idempotent). */
  remove(): void {
    process.off('exit', this.cleanup);
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    rmSync(this.file, { force: true });
  }
}
