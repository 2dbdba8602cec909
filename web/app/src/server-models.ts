/**
 * Models on this server: a mirror written by `celltypist-wasm models --mirror DIST/models …`
 * (models/registry.json beside index.html). Those models load from the page's own origin, with
 * no request to the catalog host; without the folder the page uses the catalog as before.
 */
import { type AppliedMirror, applyMirror, parseMirror } from '../../engine/models/mirror.ts';
import type { Registry } from '../../engine/models/registry.ts';

/** Where the app looks for a mirror: models/registry.json next to index.html. */
export const serverMirrorUrl = () => new URL('models/registry.json', document.baseURI).href;

/** The registry with the server's copies applied; null when the server has none (404, offline). */
export async function withServerModels(reg: Registry): Promise<AppliedMirror | null> {
  const url = serverMirrorUrl();
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-cache' });
  } catch {
    return null; // offline: cached models still load from the model cache
  }
  if (!res.ok) return null;
  try {
    return applyMirror(reg, parseMirror(await res.json(), url), url);
  } catch (e) {
    return { registry: reg, mirrored: new Set(), warnings: [`${url} was not used: ${(e as Error).message}`] };
  }
}
