/**
 * CellTypist's handling of count formats (text tables, mtx, and here Cell Ranger's outputs): no
 * log1p check; the counts are always normalized (normalize_total(target_sum=1e4) + log1p) before
 * prediction. The reader's notes (orientation, identifiers, the raw-count warning) are the warnings.
 */
import type { InputChoice } from '../h5ad/normalization.ts';
import type { InputFormat } from './reader.ts';

export function countsChoice(format: InputFormat): InputChoice {
  return {
    source: 'X',
    normalize: true,
    verdict: { source: 'X', kind: 'raw_counts', usable: false, min: 0, max: 0, first_row_total: 0, has_nan: false },
    warnings: [...format.warnings],
  };
}
