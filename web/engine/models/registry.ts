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
}

export interface Registry {
  format: 1;
  catalog_url: string;
  catalog_last_update: string;
  models: RegistryModel[];
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

/** Host names a page must be allowed to contact for these models (for the CSP). */
export function modelHosts(reg: Registry): string[] {
  const hosts = new Set<string>();
  for (const m of reg.models) for (const u of [m.url, ...m.mirrors]) hosts.add(new URL(u).origin);
  hosts.add(new URL(reg.catalog_url).origin);
  return [...hosts].sort();
}
