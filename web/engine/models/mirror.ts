/**
 * A model mirror: a folder of catalog .pkl files with a registry.json listing each model's name,
 * version, sha256, size and URL relative to that registry.json. `celltypist-wasm models --mirror`
 * writes one; the app reads models/registry.json beside its index.html and the CLI
 * --model-mirror URL|DIR, and both load those models from there instead of the catalog host.
 */
import { CellTypistError } from '../types.ts';
import type { Registry, RegistryModel } from './registry.ts';

export const MIRROR_KIND = 'celltypist-wasm model mirror';

export interface MirrorEntry {
  name: string;
  file: string;
  version: string;
  sha256: string;
  size: number;
  /** The file's URL relative to the mirror's registry.json (normally just the file name). */
  url: string;
  /** Where the sha256 comes from: the registry's known value, or the file as copied (no known value). */
  sha256_from: 'catalog' | 'first-download';
  /** Where the file was copied from (a URL or a path), for the record. */
  copied_from: string;
}

export interface MirrorRegistry {
  format: 1;
  kind: typeof MIRROR_KIND;
  /** The catalog these models belong to. */
  catalog_url: string;
  updated: string;
  models: MirrorEntry[];
}

const HEX = /^[0-9a-f]{64}$/;

/** Validates a mirror's registry.json; throws naming the first problem. */
export function parseMirror(json: unknown, where = 'the model mirror registry'): MirrorRegistry {
  const r = json as MirrorRegistry;
  if (!r || r.format !== 1 || r.kind !== MIRROR_KIND || !Array.isArray(r.models)) {
    throw new CellTypistError('bad_registry', `${where} is not a celltypist-wasm mirror (format 1, kind "${MIRROR_KIND}"); write it with 'celltypist-wasm models --mirror DIR'`);
  }
  r.models.forEach((m, i) => {
    const at = `${where}, entry ${i} (${m?.name ?? '?'})`;
    if (typeof m.name !== 'string' || !m.name || typeof m.version !== 'string') throw new CellTypistError('bad_registry', `${at}: no name or version`);
    if (typeof m.sha256 !== 'string' || !HEX.test(m.sha256)) throw new CellTypistError('bad_registry', `${at}: sha256 must be 64 hex digits`);
    if (!Number.isSafeInteger(m.size) || m.size < 0) throw new CellTypistError('bad_registry', `${at}: bad size`);
    // Relative, inside the mirror: no scheme, no absolute path, no way up.
    if (typeof m.url !== 'string' || !m.url || /^[a-z][\w+.-]*:|^\/|\\|(^|\/)\.\.(\/|$)/i.test(m.url)) throw new CellTypistError('bad_registry', `${at}: the URL must be relative to registry.json (got '${m.url}')`);
  });
  return r;
}

/**
 * The mirror entry of a copied model file. A file that differs from the registry's known sha256
 * is refused; without a known value the file's own sha256 is recorded.
 */
export function mirrorEntry(m: RegistryModel, size: number, sha256: string, copiedFrom: string): MirrorEntry {
  if (m.sha256 && sha256 !== m.sha256) {
    throw new CellTypistError('checksum_mismatch', `${m.name} ${m.version} from ${copiedFrom} has sha256 ${sha256.slice(0, 12)}…, not the catalog's ${m.sha256.slice(0, 12)}…: not mirrored (a different or damaged file)`);
  }
  return { name: m.name, file: m.file, version: m.version, sha256, size, url: encodeURIComponent(m.file), sha256_from: m.sha256 ? 'catalog' : 'first-download', copied_from: copiedFrom };
}

/** The mirror registry with `entries` added (replacing the same name), sorted by name. */
export function mergeMirror(old: MirrorRegistry | null, entries: MirrorEntry[], catalogUrl: string, now = new Date()): MirrorRegistry {
  const byName = new Map((old?.models ?? []).map((e) => [e.name, e]));
  for (const e of entries) byName.set(e.name, e);
  return { format: 1, kind: MIRROR_KIND, catalog_url: catalogUrl, updated: now.toISOString(), models: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)) };
}

export interface AppliedMirror {
  registry: Registry;
  /** Names of the models the mirror has. */
  mirrored: Set<string>;
  /** Mirror entries that were not used, and why. */
  warnings: string[];
}

/**
 * The registry with each mirrored model's `local_copy` set (its URL resolved against `base`, the
 * URL of the mirror's registry.json) and, when the catalog knows no sha256, the mirror's. An
 * entry whose version or known sha256 differs from the catalog's is not used.
 */
export function applyMirror(reg: Registry, mirror: MirrorRegistry, base: string): AppliedMirror {
  const warnings: string[] = [];
  const mirrored = new Set<string>();
  const byName = new Map(reg.models.map((m) => [m.name, m]));
  const copies = new Map<string, MirrorEntry>();
  for (const e of mirror.models) {
    const m = byName.get(e.name);
    if (!m) warnings.push(`the model mirror has ${e.name}, which is not in the catalog: not used`);
    else if (m.version !== e.version) warnings.push(`the model mirror has ${e.name} ${e.version}, the catalog ${m.version}: the catalog's is used`);
    else if (m.sha256 && m.sha256 !== e.sha256) warnings.push(`the model mirror's ${e.name} ${e.version} has sha256 ${e.sha256.slice(0, 12)}…, not the catalog's ${m.sha256.slice(0, 12)}…: not used`);
    else copies.set(e.name, e);
  }
  const models = reg.models.map((m) => {
    const e = copies.get(m.name);
    if (!e) return m;
    mirrored.add(m.name);
    return { ...m, local_copy: new URL(e.url, base).href, sha256: m.sha256 ?? e.sha256, size: m.size ?? e.size };
  });
  return { registry: { ...reg, models }, mirrored, warnings };
}
