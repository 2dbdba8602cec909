/**
 * Portal embedding: a page that shows the app in an <iframe> sends it a file with postMessage and
 * gets the labels back. The file goes from the portal's page to this frame by structured clone on
 * the visitor's machine; nothing is uploaded. The run is visible in the frame like a user's.
 *
 *   portal → app   { type: 'celltypist:annotate', id?, file: File | Blob, name?, model?: File | Blob | ArrayBuffer | Uint8Array,
 *                    options?: { mode?, p_thres?, majority_voting?, over_clustering?, min_prop?, normalize? } }
 *   app → portal   { type: 'celltypist:ready', protocol: 1 }                      (to the parent, once loaded)
 *                  { type: 'celltypist:result', id, cell_ids, predicted_labels, majority_voting, conf_score, labels, stats }
 *                  { type: 'celltypist:error', id, code, message }
 *
 * Without `model` the model already chosen in the page is used. Requests are served one at a
 * time, in order. `?portal-origin=https://a.example,https://b.example` restricts who may send
 * requests; replies always go only to the sender's origin.
 */
import { type CompactResult, expand } from '../../engine/worker/compact.ts';
import type { AnnotationResult, Mode } from '../../engine/types.ts';

export const PROTOCOL = 1;

export interface PortalOptions {
  mode?: Mode;
  p_thres?: number;
  majority_voting?: boolean;
  /** obs column with clusters for majority voting; '' or absent: automatic over-clustering. */
  over_clustering?: string;
  min_prop?: number;
  /** Normalize raw counts on the fly (default: the page's setting, on). */
  normalize?: boolean;
}

export interface PortalRequest {
  type: 'celltypist:annotate';
  id?: string | number;
  file: Blob;
  name?: string;
  model?: Blob | ArrayBuffer | Uint8Array;
  options?: PortalOptions;
}

class PortalError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T | null;

function element<T extends HTMLElement>(id: string): T {
  const el = byId<T>(id);
  if (!el) throw new PortalError('app_changed', `this page has no #${id}: the portal protocol does not match this version of the app`);
  return el;
}

/** Hands a file to one of the page's file inputs, as if the user had chosen it. */
function choose(inputId: string, file: File) {
  const input = element<HTMLInputElement>(inputId);
  const dt = new DataTransfer();
  dt.items.add(file);
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

function setValue(id: string, value: string | boolean | undefined) {
  if (value === undefined) return;
  const el = element<HTMLInputElement | HTMLSelectElement>(id);
  if (typeof value === 'boolean') (el as HTMLInputElement).checked = value;
  else {
    if (el instanceof HTMLSelectElement && ![...el.options].some((o) => o.value === value)) {
      throw new PortalError('bad_option', `'${value}' is not a choice for ${id} here (choices: ${[...el.options].map((o) => o.value || '(automatic)').join(', ')})`);
    }
    el.value = value;
  }
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

/** Resolves when the Annotate button is enabled; rejects with the page's error message if one shows. */
function untilRunnable(timeoutMs = 600_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const check = () => {
      const error = element('error').textContent ?? '';
      if (error) return reject(new PortalError('input', error));
      if (!element<HTMLButtonElement>('run').disabled) return resolve();
      if (performance.now() - t0 > timeoutMs) return reject(new PortalError('timeout', 'the file or model did not load in time'));
      setTimeout(check, 50);
    };
    setTimeout(check, 0);
  });
}

/** Clicks Annotate and resolves with the result of that run (or rejects with the page's error). */
function runOnce(): Promise<AnnotationResult> {
  return new Promise((resolve, reject) => {
    const errorBox = element('error');
    const done = () => {
      observer.disconnect();
      document.removeEventListener('celltypist:results', onResults);
    };
    const onResults = (e: Event) => {
      done();
      resolve(expand((e as CustomEvent<CompactResult>).detail));
    };
    const observer = new MutationObserver(() => {
      if (!errorBox.textContent) return;
      done();
      reject(new PortalError('annotate', errorBox.textContent));
    });
    observer.observe(errorBox, { childList: true, characterData: true, subtree: true });
    document.addEventListener('celltypist:results', onResults);
    element<HTMLButtonElement>('run').click();
  });
}

const asFile = (b: Blob, name: string) => (b instanceof File ? b : new File([b], name));

async function serve(req: PortalRequest): Promise<AnnotationResult> {
  if (!(req.file instanceof Blob)) throw new PortalError('bad_request', "'file' must be a File or Blob holding an .h5ad");
  if (req.model !== undefined) {
    const m = req.model instanceof Blob ? req.model : new Blob([req.model as BlobPart]);
    choose('model-file', asFile(m, 'portal_model.pkl'));
  }
  choose('data-file', asFile(req.file, req.name ?? 'portal.h5ad'));
  await untilRunnable();
  const o = req.options ?? {};
  setValue('mode', o.mode);
  setValue('p-thres', o.p_thres?.toString());
  setValue('majority', o.majority_voting ?? (o.over_clustering ? true : undefined));
  setValue('cluster-col', o.over_clustering);
  setValue('min-prop', o.min_prop?.toString());
  setValue('normalize', o.normalize);
  return runOnce();
}

function allowedOrigins(): string[] | null {
  const p = new URLSearchParams(location.search).get('portal-origin');
  return p ? p.split(',').map((s) => s.trim()).filter(Boolean) : null;
}

/** Listens for portal requests and tells the parent frame that the app is ready. */
export function listenForPortal(): void {
  const allowed = allowedOrigins();
  let queue = Promise.resolve();
  window.addEventListener('message', (ev: MessageEvent) => {
    const req = ev.data as PortalRequest | null;
    if (!req || typeof req !== 'object' || req.type !== 'celltypist:annotate') return;
    if (allowed && !allowed.includes(ev.origin)) return;
    const reply = (m: object) => (ev.source as WindowProxy | null)?.postMessage(m, { targetOrigin: ev.origin });
    queue = queue.then(async () => {
      try {
        const r = await serve(req);
        reply({
          type: 'celltypist:result',
          id: req.id,
          cell_ids: r.cell_ids,
          predicted_labels: r.predicted_labels,
          majority_voting: r.majority_voting ?? null,
          conf_score: r.conf_score,
          labels: r.labels,
          stats: r.stats,
        });
      } catch (e) {
        reply({ type: 'celltypist:error', id: req.id, code: e instanceof PortalError ? e.code : 'error', message: (e as Error).message });
      }
    });
  });
  // After the page's own scripts have wired their inputs (module scripts run before DOMContentLoaded).
  const ready = () => window.parent !== window && window.parent.postMessage({ type: 'celltypist:ready', protocol: PROTOCOL }, '*');
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => setTimeout(ready, 0), { once: true });
  else setTimeout(ready, 0);
}

listenForPortal();
