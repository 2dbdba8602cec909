/**
 * Trust on first use for downloads with no known sha256 (most catalog models): the first
 * download's sha256 is recorded beside the cached file (key "sha256:name@version"), later
 * downloads and dropped files are compared with it.
 */
import type { ModelStore } from './model-store.ts';

/** The store key of the sha256 recorded at an item's first download. */
export const recordKey = (key: string) => `sha256:${key}`;
export const isRecordKey = (key: string) => key.startsWith('sha256:');

/** The recorded sha256 of an item (hex), or null. */
export async function readRecord(store: ModelStore | undefined, key: string): Promise<string | null> {
  const bytes = await store?.get(recordKey(key));
  if (!bytes) return null;
  const hex = new TextDecoder().decode(bytes).trim();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}

export async function writeRecord(store: ModelStore | undefined, key: string, sha256: string): Promise<void> {
  await store?.put(recordKey(key), new TextEncoder().encode(`${sha256}\n`));
}

/** Where a record is kept, for messages ("delete … to accept the new file"). */
export const recordPlace = (store: ModelStore | undefined, key: string) => store?.location?.(recordKey(key)) ?? `the model cache (${recordKey(key)})`;
