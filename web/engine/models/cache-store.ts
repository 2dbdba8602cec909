/**
 * A ModelStore on the browser Cache API, so a second visit works offline. The sha256 recorded
 * at a model's first download (trust.ts) is kept here too, under its own key.
 */
import type { ModelStore } from './model-store.ts';
import { isRecordKey } from './trust.ts';

const CACHE = 'celltypist-wasm-models-v1';
const url = (key: string) => `/__celltypist_models__/${encodeURIComponent(key)}`;

export class CacheStore implements ModelStore {
  async get(key: string) {
    const r = await (await caches.open(CACHE)).match(url(key));
    return r ? new Uint8Array(await r.arrayBuffer()) : null;
  }
  async put(key: string, bytes: Uint8Array) {
    await (await caches.open(CACHE)).put(url(key), new Response(bytes as unknown as BodyInit, { headers: { 'Content-Type': 'application/octet-stream' } }));
  }
  async list() {
    const keys = await (await caches.open(CACHE)).keys();
    return keys.map((r) => decodeURIComponent(new URL(r.url).pathname.split('/').pop()!)).filter((k) => !isRecordKey(k));
  }
  async delete(key: string) {
    return (await caches.open(CACHE)).delete(url(key));
  }
}
