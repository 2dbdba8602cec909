/** The model registry (models/registry.json): typed, validated, searchable. */
import { CellTypistError } from '../types.ts';

export interface RegistryModel {
  name: string;
  file: string;
  url: string;
  mirrors: string[];
  version: string;
  date: string;
  details: string;
  n_cell_types: number;
  source: string;
  default: boolean;
  size: number | null;
  sha256: string | null;
  /**
   * A copy tried before `url` (not in registry.json: set by applyMirror from a mirror's
   * registry): on the page's own server (models/ beside index.html) or the CLI's --model-mirror.
   */
  local_copy?: string;
}

/** A gene table CellTypist publishes next to its code (ortholog map, Ensembl ID → symbol). */
export interface GeneTable {
  name: string;
  file: string;
  url: string;
  mirrors: string[];
  version: string;
  details: string;
  size: number | null;
  sha256: string | null;
}

export interface Registry {
  format: 1;
  catalog_url: string;
  catalog_last_update: string;
  models: RegistryModel[];
  /** Downloaded on demand like models (absent in old registries). */
  gene_tables?: GeneTable[];
}

/** Validates parsed JSON as a registry; throws a CellTypistError naming the first problem. */
export function parseRegistry(json: unknown): Registry {
  const r = json as Registry;
  if (!r || r.format !== 1 || !Array.isArray(r.models)) throw new CellTypistError('bad_registry', 'the model registry is not in format 1 (models/registry.json)');
  r.models.forEach((m, i) => {
    const where = `model registry entry ${i} (${m?.name ?? '?'})`;
    if (typeof m.name !== 'string' || !m.name) throw new CellTypistError('bad_registry', `${where}: no name`);
    for (const u of [m.url, ...(m.mirrors ?? [])]) {
      if (typeof u !== 'string' || !/^https?:\/\//.test(u)) throw new CellTypistError('bad_registry', `${where}: bad URL '${u}'`);
    }
    if (m.sha256 !== null && !/^[0-9a-f]{64}$/.test(m.sha256)) throw new CellTypistError('bad_registry', `${where}: sha256 must be 64 hex digits`);
  });
  (r.gene_tables ?? []).forEach((t, i) => {
    const where = `gene table entry ${i} (${t?.name ?? '?'})`;
    for (const u of [t.url, ...(t.mirrors ?? [])]) {
      if (typeof u !== 'string' || !/^https?:\/\//.test(u)) throw new CellTypistError('bad_registry', `${where}: bad URL '${u}'`);
    }
    if (t.sha256 !== null && !/^[0-9a-f]{64}$/.test(t.sha256)) throw new CellTypistError('bad_registry', `${where}: sha256 must be 64 hex digits`);
  });
  return r;
}

/** Finds a model by name, file name (with or without .pkl), case-insensitively. */
export function findModel(reg: Registry, name: string): RegistryModel {
  const key = name.replace(/\.pkl$/i, '').toLowerCase();
  const m = reg.models.find((x) => x.name.toLowerCase() === key);
  if (!m) {
    const stem = key.slice(0, Math.max(3, Math.floor(key.length * 0.6)));
    const close = reg.models.filter((x) => x.name.toLowerCase().startsWith(stem)).map((x) => x.name);
    throw new CellTypistError('unknown_model', `no model '${name}' in the catalog${close.length ? ` (did you mean ${close.slice(0, 4).join(', ')}?)` : ''}; list them with 'celltypist-wasm models'`);
  }
  return m;
}

/** A gene table of the registry by name. */
export function findGeneTable(reg: Registry, name: string): GeneTable {
  const t = (reg.gene_tables ?? []).find((x) => x.name === name);
  if (!t) throw new CellTypistError('unknown_gene_table', `the registry has no gene table '${name}' (models/registry.json, gene_tables)`);
  return t;
}

/** Host names a page must be allowed to contact for these models (for the CSP). */
export function modelHosts(reg: Registry): string[] {
  const hosts = new Set<string>();
  for (const m of [...reg.models, ...(reg.gene_tables ?? [])]) for (const u of [m.url, ...m.mirrors]) hosts.add(new URL(u).origin);
  hosts.add(new URL(reg.catalog_url).origin);
  return [...hosts].sort();
}
