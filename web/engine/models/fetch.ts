/**
 * Model download: streamed with progress, verified by sha256, cached, with mirror fallback.
 * The store is abstract so the browser uses the Cache API (cache-store.ts) and Node a folder
 * (file-store.ts).
 */
import { CellTypistError } from '../types.ts';
import type { GeneTable, RegistryModel } from './registry.ts';

export interface ModelStore {
  get(key: string): Promise<Uint8Array | null>;
  put(key: string, bytes: Uint8Array): Promise<void>;
  list(): Promise<string[]>;
  delete(key: string): Promise<boolean>;
}

export interface FetchProgress {
  url: string;
  loaded: number;
  total: number | null;
}

export interface FetchModelOptions {
  store?: ModelStore;
  onProgress?: (p: FetchProgress) => void;
  fetchImpl?: typeof fetch;
  signal?: AbortSignal;
}

/** Cache key of a registry model: name and version (a new version is a new file). */
export const cacheKey = (m: Pick<RegistryModel, 'name' | 'version'>) => `${m.name}@${m.version}`;

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', bytes as unknown as ArrayBuffer);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Downloads one URL as bytes with progress events. */
export async function fetchBytes(url: string, opts: FetchModelOptions = {}): Promise<Uint8Array> {
  const res = await (opts.fetchImpl ?? fetch)(url, { signal: opts.signal });
  if (!res.ok) throw new CellTypistError('download_failed', `download of ${url} failed: HTTP ${res.status}`);
  const total = Number(res.headers.get('content-length')) || null;
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    loaded += value.length;
    opts.onProgress?.({ url, loaded, total });
  }
  const out = new Uint8Array(loaded);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  if (total !== null && loaded !== total) throw new CellTypistError('download_failed', `download of ${url} was cut off (${loaded} of ${total} bytes)`);
  return out;
}

/** Something downloadable with checksum and cache: a model or a gene table. */
export interface VerifiedItem {
  /** Cache key (name@version). */
  key: string;
  urls: string[];
  sha256: string | null;
  /** For messages, e.g. "model Immune_All_Low v2". */
  label: string;
  /** What the user can do when every source fails. */
  hint: string;
}

/**
 * Returns the item's bytes: from the store when cached (and still matching its sha256), else
 * downloaded from each URL in turn, verified and stored.
 */
export async function fetchVerified(item: VerifiedItem, opts: FetchModelOptions = {}): Promise<{ bytes: Uint8Array; from: 'cache' | string }> {
  const cached = await opts.store?.get(item.key);
  if (cached && (!item.sha256 || (await sha256Hex(cached)) === item.sha256)) return { bytes: cached, from: 'cache' };
  const errors: string[] = [];
  for (const url of item.urls) {
    try {
      const bytes = await fetchBytes(url, opts);
      if (item.sha256) {
        const got = await sha256Hex(bytes);
        if (got !== item.sha256) {
          errors.push(`${url}: checksum mismatch (sha256 ${got.slice(0, 12)}…, expected ${item.sha256.slice(0, 12)}…)`);
          continue;
        }
      }
      await opts.store?.put(item.key, bytes);
      return { bytes, from: url };
    } catch (e) {
      if (opts.signal?.aborted) throw new CellTypistError('cancelled', 'download cancelled');
      errors.push(`${url}: ${(e as Error).message}`);
    }
  }
  throw new CellTypistError('download_failed', `could not get ${item.label}: ${errors.join('; ')}. ${item.hint}`);
}

/**
 * Returns the model's bytes: from the store when cached (and still matching its sha256),
 * else downloaded from its URL, then each mirror; verified and stored.
 */
export async function fetchModel(m: RegistryModel, opts: FetchModelOptions = {}): Promise<{ bytes: Uint8Array; from: 'cache' | string }> {
  return fetchVerified(
    {
      key: cacheKey(m),
      urls: [m.url, ...m.mirrors],
      sha256: m.sha256,
      label: `model ${m.name} ${m.version}`,
      hint: `Check your connection, or download the .pkl yourself and drop it in (CLI: -m path/to/${m.file}).`,
    },
    opts,
  );
}

/** Returns a gene table's bytes (cached under "table:name@version"), like fetchModel. */
export async function fetchGeneTable(t: GeneTable, opts: FetchModelOptions = {}): Promise<{ bytes: Uint8Array; from: 'cache' | string }> {
  return fetchVerified(
    {
      key: `table:${t.name}@${t.version}`,
      urls: [t.url, ...t.mirrors],
      sha256: t.sha256,
      label: `gene table ${t.file}`,
      hint: `Check your connection, or download ${t.url} yourself and pass it as a file (CLI: --gene-map ${t.file}).`,
    },
    opts,
  );
}
