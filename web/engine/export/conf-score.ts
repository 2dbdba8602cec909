/**
 * CellTypist's `conf_score` from probability rows delivered chunk by chunk (a ScoreStream), for
 * runs that kept no probability matrix: by `predicted_labels` the row's largest probability; by
 * `majority_voting` the probability of the cell's voted label, or the largest when the vote is not
 * a model label ('Heterogeneous', prob_match's 'Unassigned' or 'A|B'), as the core's
 * `conf_score_of` and CellTypist do.
 */
import { CellTypistError } from '../types.ts';
import type { ScoreStream } from './scores.ts';

/**
 * @param labels the model's labels (the matrix columns)
 * @param n cells
 * @param majorityVoting one voted label per cell: conf by majority voting; absent: by predicted labels
 */
export async function confScores(scores: ScoreStream, labels: readonly string[], n: number, majorityVoting?: readonly string[]): Promise<Float64Array> {
  if (majorityVoting && majorityVoting.length !== n) throw new CellTypistError('bad_result', `majority voting has ${majorityVoting.length} labels for ${n} cells`);
  const L = labels.length;
  const column = new Map(labels.map((l, k) => [l, k]));
  const conf = new Float64Array(n);
  let covered = 0;
  await scores((c) => {
    for (let r = 0; r < c.rows; r++) {
      const i = c.start + r;
      const row = c.probability.subarray(r * L, (r + 1) * L);
      const k = majorityVoting ? column.get(majorityVoting[i]) : undefined;
      if (k !== undefined) conf[i] = row[k];
      else {
        let m = -Infinity;
        for (let j = 0; j < L; j++) if (row[j] > m) m = row[j];
        conf[i] = m;
      }
    }
    covered += c.rows;
  });
  if (covered !== n) throw new CellTypistError('bad_result', `the scores covered ${covered} of ${n} cells`);
  return conf;
}
