/**
 * When a catalog model cannot be downloaded: one line naming the cause (the host's CORS policy,
 * network unreachable, an HTTP status), a plain link to the model's catalog URL (the browser
 * downloads it as a normal file, which CORS does not restrict) and what to do with the file.
 */
import type { DownloadFailed, DownloadFailure } from '../../engine/models/fetch-failure.ts';
import type { RegistryModel } from '../../engine/models/registry.ts';

/** The failure to explain: the catalog URL's (the link goes there), else the first. */
function mainFailure(m: RegistryModel, failures: DownloadFailure[]): DownloadFailure | undefined {
  return failures.find((f) => f.url === m.url) ?? failures[0];
}

/** The one line: "Could not get M v: <cause>" (and the server copy's failure, if there was one). */
export function fallbackLine(m: RegistryModel, err: DownloadFailed | Error): string {
  const failures = (err as DownloadFailed).failures ?? [];
  const f = mainFailure(m, failures);
  if (!f) return `Could not get ${m.name} ${m.version}: ${err.message}`;
  const local = m.local_copy && f.url !== m.local_copy ? failures.find((x) => x.url === m.local_copy) : undefined;
  return `Could not get ${m.name} ${m.version}: ${f.detail}${local ? ` (the copy on this server: ${local.detail})` : ''}.`;
}

/** Fills `box` with the cause, the link and the instruction, and shows it. */
export function showFallback(box: HTMLElement, m: RegistryModel, err: DownloadFailed | Error): void {
  box.replaceChildren();
  const cause = document.createElement('p');
  cause.className = 'fallback-cause';
  cause.textContent = fallbackLine(m, err);
  const how = document.createElement('p');
  const a = document.createElement('a');
  a.href = m.url;
  a.textContent = `Download ${m.file}`;
  a.download = m.file; // honoured for same-origin URLs; others download as the server names them
  a.target = '_blank';
  a.rel = 'noopener';
  a.id = 'model-fallback-link';
  how.append(a, ` (${new URL(m.url).host}) with the browser, then drop the downloaded file on "Drop a CellTypist model" below: it is checked against the catalog's sha256 where one is known.`);
  box.append(cause, how);
  box.hidden = false;
}

export function hideFallback(box: HTMLElement): void {
  box.hidden = true;
  box.replaceChildren();
}
