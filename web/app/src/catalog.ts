/**
 * The model catalog in the page: the registry shipped with the app (or one given with
 * ?registry=URL), downloads with progress and sha256 checks, and the Cache API store so models
 * work offline on later visits.
 */
import shipped from '../../../models/registry.json';
import { fetchModel } from '../../engine/models/fetch.ts';
import { CacheStore } from '../../engine/models/cache-store.ts';
import { parseRegistry, type Registry, type RegistryModel } from '../../engine/models/registry.ts';

export const store = new CacheStore();

export async function loadRegistry(): Promise<Registry> {
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

export async function getModel(m: RegistryModel, onProgress: (fraction: number, text: string) => void) {
  return fetchModel(m, {
    store,
    onProgress: (p) => onProgress(p.total ? p.loaded / p.total : 0, `${(p.loaded / 1e6).toFixed(1)} MB${p.total ? ` of ${(p.total / 1e6).toFixed(1)} MB` : ''}`),
  });
}


