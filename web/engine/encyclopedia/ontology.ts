/**
 * Cell Ontology term IDs per cell, from the labels and an encyclopedia: the obs columns
 * `predicted_labels_ontology_term_id` / `majority_voting_ontology_term_id` of the annotated
 * .h5ad (what CZ CELLxGENE, HCA and HuBMAP ask of submitted data) and the CLI's
 * cell_ontology.csv (cell, label, term ID, parent). A label the encyclopedia does not describe
 * (another model's type, Unassigned, Heterogeneous) gets an empty string.
 */
import { csvField } from '../export/csv.ts';
import type { Encyclopedia } from './format.ts';

/** Term ID of each label ('' when none), computed once per distinct label. */
function perLabel<T>(labels: ArrayLike<string>, f: (label: string) => T): T[] {
  const memo = new Map<string, T>();
  const out = new Array<T>(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let v = memo.get(labels[i]);
    if (v === undefined) memo.set(labels[i], (v = f(labels[i])));
    out[i] = v;
  }
  return out;
}

/** The Cell Ontology ID of one label, '' when the encyclopedia has none. */
export function ontologyId(label: string, e: Encyclopedia | null): string {
  return e?.types.get(label)?.cell_ontology_id ?? '';
}

/** The parent type of one label, '' when none. */
export function parentType(label: string, e: Encyclopedia | null): string {
  return e?.types.get(label)?.parent ?? '';
}

/** One term ID per cell ('' where the label has none). */
export function ontologyIds(labels: ArrayLike<string>, e: Encyclopedia | null): string[] {
  return perLabel(labels, (l) => ontologyId(l, e));
}

/** The obs columns to add to the annotated .h5ad (majority voting's only when voting ran). */
export interface OntologyColumns {
  predicted_labels_ontology_term_id: string[];
  majority_voting_ontology_term_id?: string[];
}

export function ontologyColumns(r: { predicted_labels: string[]; majority_voting?: string[] }, e: Encyclopedia): OntologyColumns {
  const out: OntologyColumns = { predicted_labels_ontology_term_id: ontologyIds(r.predicted_labels, e) };
  if (r.majority_voting) out.majority_voting_ontology_term_id = ontologyIds(r.majority_voting, e);
  return out;
}

export const CELL_ONTOLOGY_HEADER = 'cell,label,cell_type_ontology_term_id,parent\n';

/**
 * cell_ontology.csv in pieces of `rows` lines (header first): cell id, label (the majority-voting
 * label when voting ran, else the predicted label), its Cell Ontology ID and its parent type.
 */
export function* cellOntologyCsv(cellIds: ArrayLike<string>, labels: ArrayLike<string>, e: Encyclopedia | null, rows = 65536): Generator<string> {
  const line = new Map<string, string>();
  let out = CELL_ONTOLOGY_HEADER;
  for (let i = 0; i < cellIds.length; i++) {
    const l = labels[i];
    let tail = line.get(l);
    if (tail === undefined) line.set(l, (tail = `,${csvField(l)},${ontologyId(l, e)},${csvField(parentType(l, e))}\n`));
    out += csvField(cellIds[i]) + tail;
    if ((i + 1) % rows === 0) {
      yield out;
      out = '';
    }
  }
  if (out) yield out;
}
