/** The model registry in Node: $CELLTYPIST_WASM_REGISTRY, or the one shipped in models/. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseRegistry, type Registry } from './registry.ts';

export function nodeRegistry(): Registry {
  const file = process.env.CELLTYPIST_WASM_REGISTRY ?? fileURLToPath(new URL('../../../models/registry.json', import.meta.url));
  return parseRegistry(JSON.parse(readFileSync(file, 'utf8')));
}
