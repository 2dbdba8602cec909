/**
 * CellTypist's tables produced in chunks of rows (text pieces in file order), byte-identical to
 * csv.ts's whole-table functions, so the app streams them to disk and never holds a whole table.
 * Number formatting is pluggable: `MatrixRowsFormat` formats a block of matrix rows (the default
 * uses pyFloat in JS; the app passes the core's formatter, `coreMatrixRows`).
 */
import { csvField, pyFloat } from './csv.ts';
import { encodeIds, type MatrixCsvFormatter } from './csv-stream.ts';
import type { Annotations } from './h5ad-stream.ts';
import type { ScoreStream } from './scores.ts';

/** Emits the table as pieces (text, or UTF-8 bytes the consumer may keep), in order; awaiting `emit` applies backpressure. */
export type CsvProducer = (emit: (piece: string | Uint8Array) => void | Promise<void>) => Promise<void>;

/**
 * Formats `rows` matrix rows (row-major, `L` values each) with their cell ids, one line each with
 * '\n': text, or UTF-8 bytes (e.g. from csv-stream.ts's MatrixCsvFormatter in the core, copied).
 */
export type MatrixRowsFormat = (ids: string[], start: number, rows: number, values: Float64Array, L: number) => string | Uint8Array;

export const jsMatrixRows: MatrixRowsFormat = (ids, start, rows, values, L) => {
  let out = '';
  for (let r = 0; r < rows; r++) {
    let line = csvField(ids[start + r]);
    for (let c = 0; c < L; c++) line += ',' + pyFloat(values[r * L + c]);
    out += line + '\n';
  }
  return out;
};

/** The core's formatter (csv-stream.ts): numbers formatted in C++; bytes copied out of the heap. */
export function coreMatrixRows(f: MatrixCsvFormatter): MatrixRowsFormat {
  return (ids, start, rows, values) => f.rows(values, encodeIds(ids.slice(start, start + rows))).slice();
}

/** predicted_labels.csv from the per-cell annotations. */
export function labelsCsvProducer(a: Annotations, chunkRows = 16384): CsvProducer {
  return async (emit) => {
    const cols = ['predicted_labels'];
    if (a.majority_voting) cols.push('over_clustering', 'majority_voting');
    cols.push('conf_score');
    await emit([''].concat(cols).map(csvField).join(',') + '\n');
    const n = a.cell_ids.length;
    for (let start = 0; start < n; start += chunkRows) {
      let text = '';
      for (let i = start; i < Math.min(n, start + chunkRows); i++) {
        const row = [a.cell_ids[i], a.predicted_labels[i]];
        if (a.majority_voting) row.push(a.over_clustering![i], a.majority_voting[i]);
        text += row.map(csvField).join(',') + ',' + pyFloat(a.conf_score[i]) + '\n';
      }
      await emit(text);
    }
  };
}

/** decision_matrix.csv or probability_matrix.csv from a score stream. */
export function matrixCsvProducer(ids: string[], labels: string[], scores: ScoreStream, which: 'decision' | 'probability', format: MatrixRowsFormat = jsMatrixRows): CsvProducer {
  return async (emit) => {
    await emit([''].concat(labels).map(csvField).join(',') + '\n');
    await scores(async (c) => {
      await emit(format(ids, c.start, c.rows, which === 'decision' ? c.decision : c.probability, labels.length));
    });
  };
}

/** A small table already in memory (e.g. proportions). */
export function textCsvProducer(text: string): CsvProducer {
  return async (emit) => {
    await emit(text);
  };
}
