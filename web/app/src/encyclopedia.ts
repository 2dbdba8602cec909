/// <reference types="vite/client" />
/**
 * The shipped cell-type encyclopedias in the app: each models/encyclopedia/*.json is its own
 * small chunk (~4 KB compressed), loaded only when a model's labels need it (label cards, the
 * hierarchy, the ontology columns of an exported .h5ad). Adding a file there adds a model.
 */
import { findEncyclopedia, type EncyclopediaMatch, type EncyclopediaSource, type ModelIdentity } from '../../engine/encyclopedia/match.ts';

const files = import.meta.glob('../../../models/encyclopedia/*.json', { import: 'default' }) as Record<string, () => Promise<unknown>>;

const keyed = new Map<string, () => Promise<unknown>>();
for (const [p, load] of Object.entries(files)) {
  const m = /([^/]+)_([^_/]+)\.json$/.exec(p);
  if (m) keyed.set(`${m[1]}\u0000${m[2]}`, load);
}

export const appEncyclopedias: EncyclopediaSource = {
  list: () => [...keyed.keys()].map((k) => ({ model: k.split('\u0000')[0], version: k.split('\u0000')[1] })),
  load: (model, version) => keyed.get(`${model}\u0000${version}`)!(),
};

const cache = new Map<string, Promise<EncyclopediaMatch | null>>();

/** The encyclopedia describing a model's labels (cached per model), or null. */
export function encyclopediaFor(m: ModelIdentity): Promise<EncyclopediaMatch | null> {
  const key = `${m.name}\u0000${m.version ?? ''}\u0000${m.labels.join('\u0001')}`;
  let p = cache.get(key);
  if (!p) {
    p = findEncyclopedia(appEncyclopedias, m).catch(() => null);
    cache.set(key, p);
  }
  return p;
}
