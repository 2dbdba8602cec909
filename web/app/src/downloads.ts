/**
 * The page's downloads: every export is produced in chunks by the export worker, along the path
 * export-plan.ts chooses from what the browser offers and the file's estimated size: into the file
 * the user picks (File System Access API; chunks acknowledged one by one) when "Ask where to save"
 * is ticked; a Blob for small files; a download streamed through the page's service worker
 * (sw-download.ts); a file staged in OPFS within the storage quota. One export at a time, with
 * progress, Cancel, a check that every byte arrived before the file is handed over, and one clear
 * message naming the cause when it fails; the page keeps answering.
 * `#export-status[data-via]` says which path the last export took (tests, support questions).
 */
import { exportCaps } from './export-capabilities.ts';
import { describeFailure } from './export-errors.ts';
import { estimateBytes, planExport, type ExportPlan } from './export-plan.ts';
import type { ExportIn, ExportKind, ExportOut, ExportRequest, ExportRun } from './export-protocol.ts';
import { openServiceWorkerDownload } from './sw-download.ts';

/** What the page knows about the last run (null before a result). */
export interface DownloadSource {
  run(): ExportRun | null;
  /** The proportions table as shown (small), with its file name. */
  proportions(): { name: string; text: string } | null;
}

interface Writable {
  write(b: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}
type SavePicker = (o: { suggestedName: string }) => Promise<{ createWritable(): Promise<Writable>; getFile?(): Promise<File> }>;

const BUTTONS: Record<ExportKind, string> = {
  labels: 'dl-labels',
  decision: 'dl-decision',
  probability: 'dl-probability',
  proportions: 'dl-proportions',
  h5ad: 'dl-h5ad',
  'h5ad-light': 'dl-h5ad-light',
};

function fileName(kind: ExportKind, input: string, proportions?: string): string {
  const stem = input.replace(/\.h5ad$/i, '');
  return {
    labels: 'predicted_labels.csv',
    decision: 'decision_matrix.csv',
    probability: 'probability_matrix.csv',
    proportions: proportions ?? 'proportions.csv',
    h5ad: `${stem}_celltypist.h5ad`,
    'h5ad-light': `${stem}_celltypist_annotations.h5ad`,
  }[kind];
}

const mb = (n: number) => `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;

export function setupDownloads(src: DownloadSource): void {
  const $ = (id: string) => document.getElementById(id)!;
  // Light .h5ad next to the full one, and the status line under the buttons.
  const full = $('dl-h5ad');
  const light = document.createElement('button');
  light.id = 'dl-h5ad-light';
  light.type = 'button';
  light.textContent = 'annotations-only .h5ad';
  light.title = 'obs + obsm + provenance, without the expression matrices: a small file';
  full.after(light);
  const panel = document.createElement('div');
  panel.id = 'export-status';
  panel.className = 'export-status';
  const picker = (globalThis as unknown as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
  panel.innerHTML =
    (picker ? '<div><label title="Write straight into a file you choose (File System Access API)"><input type="checkbox" id="export-ask"> Ask where to save each file</label></div>' : '') +
    '<div><progress id="export-progress" max="1" value="0" hidden></progress> <span id="export-text" role="status"></span> <button id="export-cancel" type="button" hidden>Cancel export</button></div>';
  full.parentElement!.after(panel);
  const ask = document.getElementById('export-ask') as HTMLInputElement | null;
  if (ask) {
    ask.checked = localStorage.getItem('ctw-export-ask') === '1';
    ask.addEventListener('change', () => localStorage.setItem('ctw-export-ask', ask.checked ? '1' : '0'));
  }
  const bar = $('export-progress') as HTMLProgressElement;
  const text = $('export-text');
  const cancel = $('export-cancel') as HTMLButtonElement;

  let worker: Worker | null = null;
  let nextId = 1;
  let current: { id: number; writable: Writable | null; cancel(): void } | null = null;
  const handlers = new Map<number, (m: ExportOut) => void>();
  const exportWorker = () => {
    if (!worker) {
      worker = new Worker(new URL('./export-worker.ts', import.meta.url), { type: 'classic' });
      worker.onmessage = (ev: MessageEvent<ExportOut>) => handlers.get(ev.data.id)?.(ev.data);
    }
    return worker;
  };
  const send = (m: ExportIn) => exportWorker().postMessage(m);

  // Buttons the page disabled for its own reasons (e.g. no .h5ad for count tables) stay disabled.
  const wasDisabled = new Map<string, boolean>();
  const setBusy = (busy: boolean) => {
    for (const id of Object.values(BUTTONS)) {
      const b = document.getElementById(id) as HTMLButtonElement | null;
      if (!b) continue;
      if (busy) wasDisabled.set(id, b.disabled);
      b.disabled = busy || (wasDisabled.get(id) ?? false);
    }
    cancel.hidden = !busy;
    bar.hidden = !busy;
    panel.dataset.state = busy ? 'running' : panel.dataset.state === 'running' ? 'idle' : (panel.dataset.state ?? 'idle');
  };
  const finish = (state: 'done' | 'failed' | 'cancelled', message: string) => {
    current = null;
    setBusy(false);
    panel.dataset.state = state;
    text.textContent = message;
  };

  async function start(kind: ExportKind) {
    if (current) return;
    const run = src.run();
    if (!run) return;
    const props = kind === 'proportions' ? src.proportions() : null;
    if (kind === 'proportions' && !props) return;
    const name = fileName(kind, run.file.name, props?.name);
    // Busy from the click on (the save dialog and the storage checks take a moment).
    current = { id: -1, writable: null, cancel: () => {} };
    setBusy(true);
    bar.value = 0;
    text.textContent = `Preparing ${name} …`;
    let writable: Writable | null = null;
    let picked: { getFile?(): Promise<File> } | null = null;
    let note = '';
    // The save dialog first: it needs the click's user activation.
    if (ask?.checked && picker) {
      try {
        picked = await picker({ suggestedName: name });
        writable = await (picked as { createWritable(): Promise<Writable> }).createWritable();
      } catch (e) {
        if ((e as Error).name === 'AbortError') return finish('cancelled', 'Export cancelled: no file was chosen.');
        note = `The browser refused the save dialog (${(e as Error).message}); the file goes to the downloads folder instead. `;
      }
    }
    const estimate = estimateOf(kind, run, props?.text);
    const test = testLimits();
    const caps = { ...(await exportCaps(false)), picker: !!writable };
    if (test.quota !== undefined) caps.storage = { quota: test.quota, usage: 0 };
    if (test.noServiceWorker) caps.serviceWorker = false;
    const plan: ExportPlan = (!writable && planOverride()) || planExport(kind, estimate, caps, test);
    const h5adForced = new URLSearchParams(location.search).get('export-h5ad');
    if ('h5ad' in plan && (h5adForced === 'replay' || h5adForced === 'auto')) plan.h5ad = h5adForced;
    if ('refuse' in plan) return finish('failed', `${name}: ${plan.refuse}`);
    if (plan.sink === 'service-worker') writable = openServiceWorkerDownload(name);
    const id = nextId++;
    let chain = Promise.resolve();
    let failed = false;
    let sent = 0;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      send({ type: 'cancel', id });
      handlers.delete(id);
      void writable?.abort(e).catch(() => {});
      // Messages from the worker are already described.
      const f = (e as { described?: boolean }).described ? { code: (e as { code: string }).code, message: (e as Error).message } : describeFailure(e);
      finish(f.code === 'cancelled' ? 'cancelled' : 'failed', `${name}: ${f.message}`);
    };
    current = { id, writable, cancel: () => fail(Object.assign(new Error('cancelled'), { name: 'AbortError' })) };
    panel.dataset.state = 'running';
    panel.dataset.via = plan.sink;
    bar.value = 0;
    text.textContent = `${note}Exporting ${name} …`;
    handlers.set(id, (m) => {
      if (failed) return;
      if (m.type === 'progress') {
        bar.value = m.fraction;
        text.textContent = `${note}Exporting ${name}: ${m.message}`;
      } else if (m.type === 'chunk') {
        sent += m.bytes.length;
        chain = chain.then(() => writable!.write(m.bytes)).then(() => send({ type: 'ack', id }), fail);
      } else if (m.type === 'file') {
        saveBlob(m.blob, name);
      } else if (m.type === 'error') {
        fail(Object.assign(new Error(m.message), { code: m.code, described: true }));
      } else if (m.type === 'done') {
        chain
          .then(() => writable?.close())
          .then(async () => {
            // Every byte arrived: what the worker made, what the page passed on, what the picked file holds.
            const kept = writable ? sent : m.bytes;
            const saved = picked?.getFile ? (await picked.getFile()).size : kept;
            if (kept !== m.bytes || saved !== m.bytes) throw Object.assign(new Error(`${saved.toLocaleString('en-US')} of ${m.bytes.toLocaleString('en-US')} bytes were saved`), { code: 'incomplete' });
          })
          .then(() => {
            handlers.delete(id);
            if (failed) return;
            panel.dataset.via = m.via === 'replay' ? `${plan.sink === 'picker' ? 'picker' : 'service-worker'}+replay` : plan.sink;
            const where = plan.sink === 'picker' ? '' : ' to your downloads';
            finish('done', `${note}Saved ${name} (${mb(m.bytes)})${where}.${m.warnings.length ? ` ⚠ ${m.warnings.join(' ')}` : ''}`);
          }, fail);
      }
    });
    const staging = plan.sink === 'opfs' || plan.sink === 'blob' ? plan.sink : 'auto';
    const h5ad = 'h5ad' in plan ? plan.h5ad : undefined;
    const req: ExportRequest = { type: 'export', id, kind, delivery: writable ? 'stream' : 'file', staging, h5ad, estimate, test_quota: test.quota, ...run, text: props?.text };
    send(req);
  }

  cancel.addEventListener('click', () => current?.cancel());
  for (const [kind, id] of Object.entries(BUTTONS) as [ExportKind, string][]) {
    document.getElementById(id)?.addEventListener('click', () => void start(kind));
  }
}

/**
 * Tests and benchmarks force a path: ?export-staging=blob|opfs (a staged download),
 * ?export-via=service-worker (streamed), and ?export-h5ad=replay|auto (how a streamed .h5ad is built).
 */
function planOverride(): ExportPlan | null {
  const q = new URLSearchParams(location.search);
  const staging = q.get('export-staging');
  if (staging === 'blob' || staging === 'opfs') return { sink: staging };
  if (q.get('export-via') === 'service-worker') return { sink: 'service-worker', h5ad: 'auto' };
  return null;
}

/**
 * Tests make a private window's limits small and deterministic: ?export-quota=BYTES (the storage
 * the page may use, as the planner sees it and as the staging file enforces it),
 * ?export-blob-small=BYTES and ?export-blob-max=BYTES (the Blob sizes), ?export-no-sw=1 (as if no
 * service worker ran).
 */
function testLimits(): { quota?: number; blobSmall?: number; blobMax?: number; noServiceWorker: boolean } {
  const q = new URLSearchParams(location.search);
  const num = (k: string) => Number(q.get(k)) || undefined;
  return { quota: num('export-quota'), blobSmall: num('export-blob-small'), blobMax: num('export-blob-max'), noServiceWorker: q.get('export-no-sw') === '1' };
}

/** The export's size estimate from the run (export-plan.ts). */
function estimateOf(kind: ExportKind, run: ExportRun, text?: string): number {
  const a = run.annotations;
  let cellIdChars = 0;
  for (const id of a.cell_ids) cellIdChars += id.length + 1;
  let labelChars = 0;
  for (const l of a.labels) labelChars += l.length + 1;
  return estimateBytes(kind, { n: a.cell_ids.length, labels: a.labels.length, cellIdChars, labelChars, inputBytes: run.file.size, voting: !!a.majority_voting, textBytes: text?.length });
}

/** A normal download of a disk-backed File or an assembled Blob (never read into the page). */
function saveBlob(blob: Blob, name: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  // The download holds its own reference; the URL is only needed to start it.
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}
