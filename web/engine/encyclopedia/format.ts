/**
 * The cell-type encyclopedia as the product ships it (models/encyclopedia/<model>_<version>.json):
 * for each cell type of one model, its parent type, Cell Ontology term, curated marker genes,
 * tissues and source studies, with the tissue and study names stored once and referred to by
 * index. Only what the label cards, the hierarchy and the ontology columns need is kept (the
 * source's per-type top model genes are left out: a model's own top genes come from the model).
 *
 * `parseEncyclopedia` checks a file and builds the lookups; adding a model is adding a file.
 */
import { CellTypistError } from '../types.ts';

/** The shipped file (format 1). */
export interface EncyclopediaFile {
  format: 1;
  /** Catalog name of the model (as in models/registry.json) and its version, e.g. Immune_All_Low, v2. */
  model: string;
  version: string;
  /** Catalog name of the model whose labels are the parent types (e.g. Immune_All_High), if any. */
  parent_model?: string;
  /** Where the facts come from (shown with the cards). */
  source: string;
  tissues: string[];
  /** [name, PubMed ID ('' when the study has none)]. */
  studies: [string, string][];
  /** Parent type names; `types[].parent` indexes this list. */
  parents: string[];
  types: {
    name: string;
    /** Index into `parents`, or -1 for none. */
    parent: number;
    /** Cell Ontology term ID (CL:nnnnnnn), '' when there is none. */
    cl: string;
    markers: string[];
    /** Indexes into `tissues` and `studies`. */
    tissues: number[];
    studies: number[];
  }[];
}

/** One cell type, resolved. */
export interface CellTypeEntry {
  name: string;
  parent: string | null;
  cell_ontology_id: string;
  markers: string[];
  tissues: string[];
  studies: { name: string; pubmed_id: string }[];
}

export interface Encyclopedia {
  model: string;
  version: string;
  parent_model: string | null;
  source: string;
  /** Parent types in the file's order. */
  parents: string[];
  types: Map<string, CellTypeEntry>;
  /** Cell types under each parent, in the file's order. */
  children: Map<string, string[]>;
}

const CL_ID = /^CL:\d{7}$/;

function bad(what: string): never {
  throw new CellTypistError('bad_encyclopedia', `the cell-type encyclopedia file is not valid: ${what}`);
}

const isIndexList = (v: unknown, n: number) => Array.isArray(v) && v.every((i) => Number.isInteger(i) && i >= 0 && i < n);

/** Checks a shipped encyclopedia file and builds its lookups. */
export function parseEncyclopedia(json: unknown): Encyclopedia {
  const f = json as EncyclopediaFile;
  if (!f || typeof f !== 'object' || f.format !== 1) bad('format is not 1');
  if (typeof f.model !== 'string' || !f.model || typeof f.version !== 'string') bad('no model name and version');
  if (!Array.isArray(f.tissues) || !Array.isArray(f.studies) || !Array.isArray(f.parents) || !Array.isArray(f.types)) bad(`${f.model}: tissues, studies, parents or types missing`);
  const types = new Map<string, CellTypeEntry>();
  const children = new Map<string, string[]>(f.parents.map((p) => [p, []]));
  for (const t of f.types) {
    if (typeof t?.name !== 'string' || !t.name) bad(`${f.model}: a type without a name`);
    if (types.has(t.name)) bad(`${f.model}: '${t.name}' listed twice`);
    if (!(t.parent === -1 || (Number.isInteger(t.parent) && t.parent >= 0 && t.parent < f.parents.length))) bad(`${f.model}: '${t.name}' has a parent index out of range`);
    if (t.cl !== '' && !CL_ID.test(t.cl)) bad(`${f.model}: '${t.name}' has '${t.cl}', not a Cell Ontology ID (CL:nnnnnnn)`);
    if (!Array.isArray(t.markers) || !t.markers.every((m) => typeof m === 'string')) bad(`${f.model}: '${t.name}' markers are not gene names`);
    if (!isIndexList(t.tissues, f.tissues.length) || !isIndexList(t.studies, f.studies.length)) bad(`${f.model}: '${t.name}' refers to a tissue or study that is not listed`);
    const parent = t.parent >= 0 ? f.parents[t.parent] : null;
    types.set(t.name, {
      name: t.name,
      parent,
      cell_ontology_id: t.cl,
      markers: t.markers,
      tissues: t.tissues.map((i) => f.tissues[i]),
      studies: t.studies.map((i) => ({ name: f.studies[i][0], pubmed_id: f.studies[i][1] })),
    });
    if (parent) children.get(parent)!.push(t.name);
  }
  return { model: f.model, version: f.version, parent_model: f.parent_model ?? null, source: String(f.source ?? ''), parents: f.parents, types, children };
}

/** The file name an encyclopedia is shipped under: `<model>_<version>.json`. */
export function encyclopediaFileName(model: string, version: string): string {
  return `${model}_${version}.json`;
}
