/**
 * A label card's content, shared by the app (a dialog) and the CLI (`models --show NAME --type
 * LABEL`): what the label is (its parent type, its Cell Ontology term with a link to an ontology
 * browser, curated marker genes, tissues and source studies with PubMed links) when an
 * encyclopedia describes it, and how it shows in this file (cells, share, mean confidence) when
 * there is a result. Links are only links: nothing here fetches anything.
 */
import type { Encyclopedia } from './format.ts';

export interface LabelCardStudy {
  name: string;
  pubmed_id: string;
  /** PubMed page, '' when the study has no PubMed ID. */
  url: string;
}

export interface LabelCard {
  label: string;
  /** Described by the encyclopedia (else only the file's figures and the model's genes). */
  described: boolean;
  parent: string | null;
  /** Types under this label when it is a parent type of the encyclopedia. */
  children: string[];
  cell_ontology_id: string;
  /** The term in the EBI Ontology Lookup Service, '' without an ID. */
  ontology_url: string;
  markers: string[];
  tissues: string[];
  studies: LabelCardStudy[];
  /** Which table the facts come from, e.g. 'Immune_All_Low v2 encyclopedia (…)'. */
  source: string;
  /** This file's figures, when a result is given. */
  cells?: number;
  share?: number;
  mean_confidence?: number;
  /** The model's own top genes for this label (by coefficient), when given. */
  model_genes?: string[];
}

/** The OLS page of a Cell Ontology term (its OBO PURL, encoded as OLS addresses terms). */
export function ontologyUrl(id: string): string {
  if (!/^CL:\d{7}$/.test(id)) return '';
  const iri = `http://purl.obolibrary.org/obo/${id.replace(':', '_')}`;
  return `https://www.ebi.ac.uk/ols4/ontologies/cl/classes/${encodeURIComponent(encodeURIComponent(iri))}`;
}

export const pubmedUrl = (id: string): string => (/^\d+$/.test(id) ? `https://pubmed.ncbi.nlm.nih.gov/${id}/` : '');

export interface CardStats {
  cells: number;
  total: number;
  mean_confidence: number;
}

/** The card of `label`; `e` null (no encyclopedia for the model) gives the card without its facts. */
export function labelCard(label: string, e: Encyclopedia | null, o: { stats?: CardStats; model_genes?: string[] } = {}): LabelCard {
  const t = e?.types.get(label);
  const children = e?.children.get(label) ?? [];
  const card: LabelCard = {
    label,
    described: !!t || children.length > 0,
    parent: t?.parent ?? null,
    children,
    cell_ontology_id: t?.cell_ontology_id ?? '',
    ontology_url: ontologyUrl(t?.cell_ontology_id ?? ''),
    markers: t?.markers ?? [],
    tissues: t?.tissues ?? [],
    studies: (t?.studies ?? []).map((s) => ({ ...s, url: pubmedUrl(s.pubmed_id) })),
    source: e && (t || children.length) ? `${e.model} ${e.version} cell-type encyclopedia (${e.source})` : '',
  };
  if (o.stats) {
    card.cells = o.stats.cells;
    card.share = o.stats.total ? o.stats.cells / o.stats.total : 0;
    card.mean_confidence = o.stats.mean_confidence;
  }
  if (o.model_genes) card.model_genes = o.model_genes;
  return card;
}
