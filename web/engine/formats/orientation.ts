/**
 * Decisions CellTypist 1.7.1 makes on count tables (classifier.py), plus two of ours:
 * - gene-by-cell detection: ≥ 100,000 columns, a first column name of ≥ 30 characters, or one of
 *   GAPDH/ACTB/CALM1/PTPRC/MALAT1 among the row names → transpose; we also transpose when the
 *   row names are Ensembl gene IDs and the column names are not;
 * - the raw-count warning: the largest value of the first 1,000 rows is not an integer;
 * - for Cell Ranger inputs (ids and symbols both present), the identifier that matches the model.
 */
import { looksLikeEnsembl } from '../genes/identifiers.ts';

const MARKERS = ['GAPDH', 'ACTB', 'CALM1', 'PTPRC', 'MALAT1'];

export interface OrientationVerdict {
  transpose: boolean;
  /** Why, in words, when transposing. */
  reason?: string;
}

/** CellTypist's gene-by-cell check on a matrix read as rows × columns (after --transpose-input). */
export function looksGeneByCell(rowNames: string[], colNames: string[]): OrientationVerdict {
  if (colNames.length >= 100_000) return { transpose: true, reason: `it has ${colNames.length.toLocaleString('en-US')} columns (≥ 100,000)` };
  if ((colNames[0] ?? '').length >= 30) return { transpose: true, reason: `its first column name '${colNames[0].slice(0, 40)}…' has ≥ 30 characters` };
  const rows = new Set(rowNames);
  const hit = MARKERS.find((g) => rows.has(g));
  if (hit) return { transpose: true, reason: `${hit} is among its row names` };
  if (looksLikeEnsembl(rowNames) && !looksLikeEnsembl(colNames)) return { transpose: true, reason: 'its row names are Ensembl gene IDs' };
  return { transpose: false };
}

export const NOT_COUNTS_WARNING = 'the input file seems not a raw count matrix (the largest value of the first 1,000 cells is not an integer); the prediction result may not be accurate. CellTypist expects raw counts in text and mtx files and normalizes them itself.';

/** CellTypist's warning test: `float(X[:1000].max()).is_integer()`, with implicit zeros. */
export function countsWarning(maxFirstRows: number): string | undefined {
  return Number.isInteger(Math.max(0, maxFirstRows)) ? undefined : NOT_COUNTS_WARNING;
}

/** Overlap of names with a model's genes, ignoring Ensembl version suffixes. */
function overlap(names: string[], model: Set<string>): number {
  let k = 0;
  for (const n of names) if (model.has(n) || model.has(n.replace(/\.\d+$/, ''))) k++;
  return k;
}

/**
 * Cell Ranger features carry an ID (Ensembl) and a name (symbol). scanpy names genes by symbol;
 * we take the IDs when they match more of the model's genes (models trained on Ensembl IDs).
 */
export function chooseIdentifier(ids: string[], names: string[], modelFeatures?: string[]): { use: 'id' | 'name'; note?: string } {
  if (!modelFeatures || modelFeatures.length === 0) return { use: 'name' };
  const model = new Set(modelFeatures.map((g) => g.replace(/\.\d+$/, '')));
  const byId = overlap(ids, model);
  const byName = overlap(names, model);
  if (byId > byName) {
    return { use: 'id', note: `genes are identified by their feature IDs (first column), which match ${byId.toLocaleString('en-US')} model genes (symbols match ${byName.toLocaleString('en-US')}).` };
  }
  return { use: 'name' };
}
