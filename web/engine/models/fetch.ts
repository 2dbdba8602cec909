/**
 * Model download: streamed with progress, verified by sha256 (a known value, else trust on first
 * use), cached, with a copy beside the app or a mirror tried first and the catalog URL after.
 * Failures say why per URL (fetch-failure.ts). The store is abstract so the browser uses the
 * Cache API (cache-store.ts) and Node a folder (file-store.ts).
 */
import { CellTypistError } from '../types.ts';
import { diagnoseFetchError, DownloadFailed, type DownloadFailure, failureDetail } from './fetch-failure.ts';
import type { GeneTable, RegistryModel } from './registry.ts';
import type { ModelStore } from './model-store.ts';
import { readRecord, recordPlace, writeRecord } from './trust.ts';

export type { ModelStore } from './model-store.ts';

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
  /** Give up on a host that has not answered (response headers) within this time (default 15 s). */
  answerTimeoutMs?: number;
  /** Download again even when cached, and compare (the cached file is kept if the new one differs). */
  refresh?: boolean;
}

/** Cache key of a registry model: name and version (a new version is a new file). */
export const cacheKey = (m: Pick<RegistryModel, 'name' | 'version'>) => `${m.name}@${m.version}`;

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', bytes as unknown as ArrayBuffer);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}

const fail = (f: DownloadFailure) => new DownloadFailed(`download of ${f.url} failed: ${f.detail}`, [f]);

/** Sends the request; a host that does not answer in time, or a refused request, says why. */
async function answer(url: string, opts: FetchModelOptions): Promise<Response> {
  const fetchImpl = opts.fetchImpl ?? fetch;
  const ms = opts.answerTimeoutMs ?? 15000;
  const ctl = new AbortController();
  const onAbort = () => ctl.abort();
  opts.signal?.addEventListener('abort', onAbort);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctl.abort();
  }, ms);
  try {
    return await fetchImpl(url, { signal: ctl.signal });
  } catch (e) {
    if (opts.signal?.aborted) throw new CellTypistError('cancelled', 'download cancelled');
    if (timedOut) throw fail({ url, cause: 'timeout', detail: failureDetail(url, 'timeout', { seconds: ms / 1000 }) });
    throw fail(await diagnoseFetchError(url, e, fetchImpl));
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** Downloads one URL as bytes with progress events. */
export async function fetchBytes(url: string, opts: FetchModelOptions = {}): Promise<Uint8Array> {
  const res = await answer(url, opts);
  if (!res.ok) throw fail({ url, cause: 'http', status: res.status, detail: failureDetail(url, 'http', { status: res.status, statusText: res.statusText }) });
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
  if (total !== null && loaded !== total) throw fail({ url, cause: 'cut_off', detail: `the download from ${new URL(url).host} was cut off (${loaded} of ${total} bytes)` });
  return out;
}

/** Something downloadable with checksum and cache: a model or a gene table. */
export interface VerifiedItem {
  /** Cache key (name@version). */
  key: string;
  urls: string[];
  /** The known sha256; null: trust on first use (the first download's is recorded). */
  sha256: string | null;
  /** For messages, e.g. "model Immune_All_Low v2". */
  label: string;
  /** What the user can do when every source fails. */
  hint: string;
}

export interface Fetched {
  bytes: Uint8Array;
  /** 'cache', or the URL the bytes came from. */
  from: 'cache' | string;
  sha256: string;
  /** How the bytes were checked: a known sha256, the one recorded at the first download, or this is that first download. */
  trust: 'known' | 'recorded' | 'first-use';
  /** Set when a new download differed from the recorded sha256 and the earlier file was kept. */
  warning?: string;
}

const short = (h: string) => `${h.slice(0, 12)}…`;

/**
 * Returns the item's bytes: from the store when cached (and still matching its sha256), else
 * downloaded from each URL in turn, verified and stored. Without a known sha256 the first
 * download's is recorded; a later download that differs is not used: the earlier file is kept
 * (with a warning), or, when it is gone, the download fails naming the record to delete.
 */
export async function fetchVerified(item: VerifiedItem, opts: FetchModelOptions = {}): Promise<Fetched> {
  const { store } = opts;
  const recorded = item.sha256 ? null : await readRecord(store, item.key);
  const expected = item.sha256 ?? recorded;
  const trust = item.sha256 ? 'known' : 'recorded';
  const cachedBytes = await store?.get(item.key);
  const cachedSha = cachedBytes ? await sha256Hex(cachedBytes) : null;
  const cached = cachedBytes && cachedSha && (!expected || cachedSha === expected) ? { bytes: cachedBytes, sha256: cachedSha } : null;
  if (cached && !expected) await writeRecord(store, item.key, cached.sha256); // cached before records existed
  if (cached && !opts.refresh) return { bytes: cached.bytes, from: 'cache', sha256: cached.sha256, trust: expected ? trust : 'first-use' };
  const failures: DownloadFailure[] = [];
  for (const url of item.urls) {
    let bytes: Uint8Array;
    try {
      bytes = await fetchBytes(url, opts);
    } catch (e) {
      if (opts.signal?.aborted || (e as CellTypistError).code === 'cancelled') throw new CellTypistError('cancelled', 'download cancelled');
      failures.push(...((e as DownloadFailed).failures ?? [{ url, cause: 'unreachable', detail: (e as Error).message }]));
      continue;
    }
    const got = await sha256Hex(bytes);
    if (item.sha256 && got !== item.sha256) {
      failures.push({ url, cause: 'checksum', detail: `checksum mismatch (sha256 ${short(got)}, expected ${short(item.sha256)})` });
      continue;
    }
    if (recorded && got !== recorded) {
      const warning = `${item.label} from ${url} has sha256 ${short(got)}, but its first download here had ${short(recorded)}`;
      if (cached) return { ...cached, from: 'cache', trust: 'recorded', warning: `${warning}: kept the earlier file (to accept the new one, delete ${recordPlace(store, item.key)} and the cached model)` };
      failures.push({ url, cause: 'checksum', detail: `${warning}; not used (if the model changed upstream, delete ${recordPlace(store, item.key)})` });
      continue;
    }
    if (!expected) await writeRecord(store, item.key, got);
    await store?.put(item.key, bytes);
    return { bytes, from: url, sha256: got, trust: expected ? trust : 'first-use' };
  }
  const message = `could not get ${item.label}: ${failures.map((f) => (failures.length > 1 ? `${f.url}: ${f.detail}` : f.detail)).join('; ')}. ${item.hint}`;
  throw new DownloadFailed(message, failures);
}

/** The URLs of a model, in the order tried: a copy beside the app or on a mirror first, then the catalog's. */
export const modelUrls = (m: RegistryModel) => [...(m.local_copy ? [m.local_copy] : []), m.url, ...m.mirrors];

/**
 * Returns the model's bytes: from the store when cached (and still matching its sha256),
 * else downloaded from its local copy, its URL, then each mirror; verified and stored.
 */
export async function fetchModel(m: RegistryModel, opts: FetchModelOptions = {}): Promise<Fetched> {
  return fetchVerified(
    {
      key: cacheKey(m),
      urls: modelUrls(m),
      sha256: m.sha256,
      label: `model ${m.name} ${m.version}`,
      hint: `Download ${m.url} with a browser or another network and drop the file in (CLI: -m path/to/${m.file}).`,
    },
    opts,
  );
}

/** Returns a gene table's bytes (cached under "table:name@version"), like fetchModel. */
export async function fetchGeneTable(t: GeneTable, opts: FetchModelOptions = {}): Promise<Fetched> {
  return fetchVerified(
    {
      key: `table:${t.name}@${t.version}`,
      urls: [t.url, ...t.mirrors],
      sha256: t.sha256,
      label: `gene table ${t.file}`,
      hint: `Download ${t.url} yourself and pass it as a file (CLI: --gene-map ${t.file}).`,
    },
    opts,
  );
}
