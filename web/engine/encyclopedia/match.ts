/**
 * Which shipped encyclopedia describes a model's labels. First by the model itself (its catalog
 * name and version, e.g. Immune_All_Low v2: every label is then described by its own table);
 * otherwise by the labels' names: the encyclopedia sharing the most label names with the model
 * (a model trained elsewhere whose labels include, say, "Classical monocytes" gets that type's
 * Cell Ontology ID; its other labels get none). Files are loaded lazily: the model's own file
 * when its name and version are known, all of them only for a match by names.
 */
import { type Encyclopedia, parseEncyclopedia } from './format.ts';

/** Where encyclopedia files come from (files on disk in Node, lazily imported chunks in the app). */
export interface EncyclopediaSource {
  /** The shipped files' model names and versions (no file is read to list them). */
  list(): { model: string; version: string }[];
  /** The file's JSON. */
  load(model: string, version: string): Promise<unknown>;
}

export interface ModelIdentity {
  /** Catalog name or file name (a path and a .pkl ending are ignored); '' when unknown. */
  name: string;
  /** The model's version as its description or the catalog gives it; '' when unknown. */
  version?: string;
  labels: string[];
}

export interface EncyclopediaMatch {
  encyclopedia: Encyclopedia;
  /** 'model': the model's own table; 'names': a table sharing label names with it. */
  by: 'model' | 'names';
  /** Labels of the model that the table describes (as a type or a parent type), of `of`. */
  matched: number;
  /** Labels that get a Cell Ontology ID. */
  with_id: number;
  of: number;
}

/** 'Immune_All_Low' from 'models/Immune_All_Low.pkl', 'Immune_All_Low v2 (from cache)' or 'immune_all_low'. */
export function modelBaseName(name: string): string {
  const file = name.split(/[\\/]/).pop() ?? name;
  return file.replace(/\s.*$/, '').replace(/\.pkl$/i, '');
}

function described(e: Encyclopedia, labels: string[]): number {
  let n = 0;
  for (const l of labels) if (e.types.has(l) || e.children.has(l)) n++;
  return n;
}

const withId = (e: Encyclopedia, labels: string[]) => labels.filter((l) => e.types.get(l)?.cell_ontology_id).length;

/** The encyclopedia for a model, or null when none describes any of its labels. */
export async function findEncyclopedia(source: EncyclopediaSource, m: ModelIdentity): Promise<EncyclopediaMatch | null> {
  const base = modelBaseName(m.name).toLowerCase();
  const version = (m.version ?? '').trim().toLowerCase();
  const keys = source.list();
  const own = keys.find((k) => k.model.toLowerCase() === base && (!version || k.version.toLowerCase() === version));
  if (own) {
    const e = parseEncyclopedia(await source.load(own.model, own.version));
    const matched = described(e, m.labels);
    if (matched > 0) return { encyclopedia: e, by: 'model', matched, with_id: withId(e, m.labels), of: m.labels.length };
  }
  let best: EncyclopediaMatch | null = null;
  for (const k of keys) {
    const e = parseEncyclopedia(await source.load(k.model, k.version));
    const matched = described(e, m.labels);
    if (matched > 0 && (!best || matched > best.matched)) best = { encyclopedia: e, by: 'names', matched, with_id: withId(e, m.labels), of: m.labels.length };
  }
  return best;
}

/** One line saying which table describes the labels (for the CLI and the app). */
export function matchSummary(x: EncyclopediaMatch): string {
  const e = x.encyclopedia;
  const ids = x.with_id === x.of ? `all ${x.of}` : `${x.with_id} of the ${x.of}`;
  return `Cell Ontology IDs for ${ids} cell types, from the cell-type encyclopedia of ${e.model} ${e.version}${x.by === 'names' ? ' (labels matched by name)' : ''}`;
}
