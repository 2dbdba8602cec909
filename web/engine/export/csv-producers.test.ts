// Chunked CSV producers equal the whole-table writers (and so CellTypist's files) byte for byte,
// with the matrices coming from a rescoring stream as the app uses them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadModel } from '../annotate.ts';
import { openH5adPath } from '../h5ad/open-node.ts';
import { annotate } from '../node.ts';
import { sharedPath } from '../testing/fixtures.ts';
import { loadCore } from '../wasm/load.ts';
import { matrixCsv, predictedLabelsCsv } from './csv.ts';
import { coreMatrixRows, labelsCsvProducer, matrixCsvProducer, type CsvProducer } from './csv-producers.ts';
import { MatrixCsvFormatter } from './csv-stream.ts';
import { rescoreStream } from './rescore.ts';
import { scoresFromResult } from './scores.ts';

async function collect(p: CsvProducer): Promise<{ text: string; pieces: number }> {
  let text = '';
  let pieces = 0;
  const dec = new TextDecoder();
  await p((t) => {
    text += typeof t === 'string' ? t : dec.decode(t);
    pieces++;
  });
  return { text, pieces };
}

describe('chunked CSV producers', () => {
  const input = sharedPath('fixtures/synthetic/query_1k.h5ad');
  const model = sharedPath('fixtures/models/toy_lr.pkl');

  it('predicted_labels.csv in pieces equals the whole table (with majority voting)', async () => {
    const r = await annotate(input, model, { variant: 'simd', majority_voting: true, over_clustering: 'given_clusters', min_prop: 0.6 });
    const got = await collect(labelsCsvProducer(r, 300));
    assert.equal(got.pieces, 5);
    assert.equal(got.text, predictedLabelsCsv(r));
  });

  it('matrix CSVs from a rescoring stream equal the whole tables of the run', async () => {
    const options = { mode: 'prob_match' as const, p_thres: 0.5 };
    const r = await annotate(input, model, { variant: 'simd', ...options });
    const { core, variant } = await loadCore({ variant: 'simd' });
    const m = loadModel(core, readFileSync(model));
    const reader = await openH5adPath(input);
    try {
      const scores = rescoreStream(reader, m, { ...options, chunk_rows: 256 }, { core, variant });
      const dec = await collect(matrixCsvProducer(r.cell_ids, r.labels, scores, 'decision'));
      assert.equal(dec.pieces, 1 + 4);
      assert.equal(dec.text, matrixCsv(r, r.decision_matrix!));
      const prob = await collect(matrixCsvProducer(r.cell_ids, r.labels, scoresFromResult(r, 999), 'probability'));
      assert.equal(prob.text, matrixCsv(r, r.probability_matrix!));
      // The core's formatter (numbers in C++) gives the same bytes.
      const f = new MatrixCsvFormatter(core, r.labels);
      try {
        const fast = await collect(matrixCsvProducer(r.cell_ids, r.labels, rescoreStream(reader, m, { ...options, chunk_rows: 300 }, { core, variant }), 'probability', coreMatrixRows(f)));
        assert.equal(fast.text, prob.text);
      } finally {
        f.free();
      }
    } finally {
      reader.close();
      m.delete();
    }
  });
});
