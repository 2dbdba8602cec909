/**
 * Where downloaded models and gene tables are kept (FileStore in Node, CacheStore in browsers),
 * with the sha256 recorded at first download (trust.ts). Its own module: the download
 * (fetch.ts) and the trust records both use it.
 */
export interface ModelStore {
  get(key: string): Promise<Uint8Array | null>;
  put(key: string, bytes: Uint8Array): Promise<void>;
  list(): Promise<string[]>;
  delete(key: string): Promise<boolean>;
  /** Where a key is kept (a file path), for messages. */
  location?(key: string): string;
}
