/**
 * When a model cannot be downloaded: one line naming the cause (the host's CORS policy, network
 * unreachable, an HTTP status...), a plain link to the model's URL (the browser downloads it as a
 * normal file, which CORS does not restrict) and what to do with the file.
 */
import type { DownloadFailed, DownloadFailure } from '../../engine/models/fetch-failure.ts';
import type { RegistryModel } from '../../engine/models/registry.ts';

/** What could not be downloaded: a catalog model, or a URL the user gave. */
export interface FallbackTarget {
  /** For the message: "Immune_All_Low v2", or the URL. */
  label: string;
  /** The link's target (a catalog model's catalog URL). */
  url: string;
  file: string;
  /** A copy on this server that was tried first, if any. */
  localCopy?: string;
}

export const catalogTarget = (m: RegistryModel): FallbackTarget => ({ label: `${m.name} ${m.version}`, url: m.url, file: m.file, localCopy: m.local_copy });

/** The one line: "Could not get LABEL: <cause>" (and the server copy's failure, if there was one). */
export function fallbackLine(t: FallbackTarget, err: DownloadFailed | Error): string {
  const failures: DownloadFailure[] = (err as DownloadFailed).failures ?? [];
  // The failure to explain: the link's URL's, else the first.
  const f = failures.find((x) => x.url === t.url) ?? failures[0];
  if (!f) return `Could not get ${t.label}: ${err.message}`;
  const local = t.localCopy && f.url !== t.localCopy ? failures.find((x) => x.url === t.localCopy) : undefined;
  return `Could not get ${t.label}: ${f.detail}${local ? ` (the copy on this server: ${local.detail})` : ''}.`;
}

/** Fills `box` with the cause, the link and the instruction, and shows it. */
export function showFallback(box: HTMLElement, t: FallbackTarget, err: DownloadFailed | Error): void {
  box.replaceChildren();
  const cause = document.createElement('p');
  cause.className = 'fallback-cause';
  cause.textContent = fallbackLine(t, err);
  const how = document.createElement('p');
  const a = document.createElement('a');
  a.href = t.url;
  a.textContent = `Download ${t.file}`;
  a.download = t.file; // honoured for same-origin URLs; others download as the server names them
  a.target = '_blank';
  a.rel = 'noopener';
  how.append(a, ` (${new URL(t.url).host}) with the browser, then drop the downloaded file on "Drop a CellTypist model" below: it is checked against the catalog's sha256 where one is known.`);
  box.append(cause, how);
  box.hidden = false;
}

export function hideFallback(box: HTMLElement): void {
  box.hidden = true;
  box.replaceChildren();
}
