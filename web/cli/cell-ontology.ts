/**
 * `annotate --cell-ontology`: [PREFIX]cell_ontology.csv, one row per cell — cell id, its label
 * (majority voting's when voting ran, else the predicted label), the label's Cell Ontology ID and
 * its parent type ('' where the encyclopedia has none) — and the encyclopedia lookup that the
 * annotated .h5ad's ontology columns share. CellTypist's own three tables are not touched.
 */
import path from 'node:path';
import { AtomicFile } from '../engine/export/atomic-file.ts';
import { findEncyclopedia, type EncyclopediaMatch } from '../engine/encyclopedia/match.ts';
import { cellOntologyCsv } from '../engine/encyclopedia/ontology.ts';
import { nodeEncyclopedias } from '../engine/encyclopedia/source-node.ts';
import type { AnnotationResult } from '../engine/types.ts';

/** The shipped encyclopedia describing the model's labels (its own, else by label names), or null. */
export function encyclopediaForModel(name: string, version: string, labels: string[]): Promise<EncyclopediaMatch | null> {
  return findEncyclopedia(nodeEncyclopedias(), { name, version, labels });
}

/** Writes OUTDIR/[PREFIX]cell_ontology.csv (kept as .partial until complete); returns its path. */
export function writeCellOntology(outdir: string, prefix: string, r: Pick<AnnotationResult, 'cell_ids' | 'predicted_labels' | 'majority_voting'>, match: EncyclopediaMatch | null): string {
  const target = path.join(outdir, `${prefix}cell_ontology.csv`);
  const f = new AtomicFile(target);
  try {
    for (const piece of cellOntologyCsv(r.cell_ids, r.majority_voting ?? r.predicted_labels, match?.encyclopedia ?? null)) f.write(piece);
    f.commit();
  } catch (e) {
    f.discard();
    throw e;
  }
  return target;
}
