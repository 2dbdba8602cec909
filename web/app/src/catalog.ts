/**
 * The model catalog in the page: the registry shipped with the app (or one given with
 * ?registry=URL), with the models this server mirrors (models/registry.json beside index.html:
 * loaded from the page's own origin), downloads with progress and sha256 checks (known, else
 * trust on first use), and the Cache API store so models work offline on later visits.
 */
import shipped from '../../../models/registry.json';
import { type Fetched, fetchModel } from '../../engine/models/fetch.ts';
import { CacheStore } from '../../engine/models/cache-store.ts';
import { parseRegistry, type Registry, type RegistryModel } from '../../engine/models/registry.ts';
import { recordKey } from '../../engine/models/trust.ts';
import { withServerModels } from './server-models.ts';

export const store = new CacheStore();

/** Names of the catalog models this server has a copy of (filled by loadRegistry). */
export const onThisServer = new Set<string>();
/** Why mirror entries were not used (shown as a note; the catalog still works). */
export const mirrorWarnings: string[] = [];

async function catalogRegistry(): Promise<Registry> {
  const alt = new URLSearchParams(location.search).get('registry');
  if (!alt) return parseRegistry(shipped);
  // Remember the last copy so that the catalog (and cached models) work offline.
  const key = `celltypist-wasm:registry:${alt}`;
  try {
    const res = await fetch(alt);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const json = await res.json();
    const reg = parseRegistry(json);
    localStorage.setItem(key, JSON.stringify(json));
    return reg;
  } catch (e) {
    const saved = localStorage.getItem(key);
    if (saved) return parseRegistry(JSON.parse(saved));
    throw new Error(`cannot load the model registry ${alt}: ${(e as Error).message}`);
  }
}

/** The catalog, with `local_copy` set on the models this server mirrors. */
export async function loadRegistry(): Promise<Registry> {
  const reg = await catalogRegistry();
  const mirror = await withServerModels(reg);
  if (!mirror) return reg;
  onThisServer.clear();
  for (const n of mirror.mirrored) onThisServer.add(n);
  mirrorWarnings.splice(0, mirrorWarnings.length, ...mirror.warnings);
  return mirror.registry;
}

/** The model the selector starts on: the default, or the first one on this server when the default is not. */
export const firstChoice = (reg: Registry) => (onThisServer.size && !reg.models.some((m) => m.default && onThisServer.has(m.name)) ? reg.models.find((m) => onThisServer.has(m.name)) : reg.models.find((m) => m.default));

/** The text of a model's entry in the catalog selector. */
export const optionText = (m: RegistryModel) => `${m.name} (${m.n_cell_types} types, ${m.version})${onThisServer.has(m.name) ? ' · on this server' : ''}`;

/** Where a model came from, for the page: 'cache', 'server' (this origin's mirror) or 'network'. */
export const sourceOf = (m: RegistryModel, from: Fetched['from']) => (from === 'cache' ? 'cache' : from === m.local_copy ? 'server' : 'network');

export async function getModel(m: RegistryModel, onProgress: (fraction: number, text: string) => void): Promise<Fetched> {
  return fetchModel(m, {
    store,
    onProgress: (p) => onProgress(p.total ? p.loaded / p.total : 0, `${(p.loaded / 1e6).toFixed(1)} MB${p.total ? ` of ${(p.total / 1e6).toFixed(1)} MB` : ''}`),
  });
}

/** Removes a cached model and the sha256 recorded at its first download (the user starts over). */
export async function forgetModel(key: string): Promise<void> {
  await store.delete(key);
  await store.delete(recordKey(key));
}

