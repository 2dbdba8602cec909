/**
 * The page's downloads: every export is produced in chunks by the export worker and streamed to
 * disk — into the file the user picks (File System Access API: showSaveFilePicker + a writable
 * stream; chunks acknowledged one by one) when "Ask where to save" is ticked, else through a normal
 * download of a file the worker staged on disk (OPFS) or assembled from chunk Blobs. One export at
 * a time, with progress, Cancel, and one clear message when it fails; the page keeps answering.
 */
import { describeFailure } from './export-errors.ts';
import type { ExportIn, ExportKind, ExportOut, ExportRequest, ExportRun } from './export-protocol.ts';

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
type SavePicker = (o: { suggestedName: string }) => Promise<{ createWritable(): Promise<Writable> }>;

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
    let writable: Writable | null = null;
    let note = '';
    if (ask?.checked && picker) {
      try {
        writable = await (await picker({ suggestedName: name })).createWritable();
      } catch (e) {
        if ((e as Error).name === 'AbortError') return finish('cancelled', 'Export cancelled: no file was chosen.');
        note = `The browser refused the save dialog (${(e as Error).message}); the file goes to the downloads folder instead. `;
      }
    }
    const id = nextId++;
    let chain = Promise.resolve();
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      send({ type: 'cancel', id });
      handlers.delete(id);
      void writable?.abort().catch(() => {});
      // Messages from the worker are already described.
      const f = (e as { described?: boolean }).described ? { code: (e as { code: string }).code, message: (e as Error).message } : describeFailure(e);
      finish(f.code === 'cancelled' ? 'cancelled' : 'failed', `${name}: ${f.message}`);
    };
    current = { id, writable, cancel: () => fail(Object.assign(new Error('cancelled'), { name: 'AbortError' })) };
    setBusy(true);
    panel.dataset.state = 'running';
    bar.value = 0;
    text.textContent = `${note}Exporting ${name} …`;
    handlers.set(id, (m) => {
      if (failed) return;
      if (m.type === 'progress') {
        bar.value = m.fraction;
        text.textContent = `${note}Exporting ${name}: ${m.message}`;
      } else if (m.type === 'chunk') {
        chain = chain.then(() => writable!.write(m.bytes)).then(() => send({ type: 'ack', id }), fail);
      } else if (m.type === 'file') {
        saveBlob(m.blob, name);
      } else if (m.type === 'error') {
        fail(Object.assign(new Error(m.message), { code: m.code, described: true }));
      } else if (m.type === 'done') {
        chain
          .then(() => writable?.close())
          .then(() => {
            handlers.delete(id);
            if (failed) return;
            finish('done', `${note}Saved ${name} (${mb(m.bytes)})${writable ? '' : ' to your downloads'}.${m.warnings.length ? ` ⚠ ${m.warnings.join(' ')}` : ''}`);
          }, fail);
      }
    });
    const req: ExportRequest = { type: 'export', id, kind, delivery: writable ? 'stream' : 'file', staging: stagingOverride(), ...run, text: props?.text };
    send(req);
  }

  cancel.addEventListener('click', () => current?.cancel());
  for (const [kind, id] of Object.entries(BUTTONS) as [ExportKind, string][]) {
    document.getElementById(id)?.addEventListener('click', () => void start(kind));
  }
}

/** ?export-staging=blob|opfs forces the staging (tests and benchmarks compare them). */
function stagingOverride(): ExportRequest['staging'] {
  const v = new URLSearchParams(location.search).get('export-staging');
  return v === 'blob' || v === 'opfs' ? v : 'auto';
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
