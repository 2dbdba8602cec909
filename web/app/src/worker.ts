/**
 * The annotation worker: reads the dropped File lazily through h5wasm's WORKERFS (never loaded
 * whole), runs the wasm core, posts progress and the result (transferable buffers).
 */
import h5wasm from 'h5wasm';
import { annotateReader, loadModel } from '../../engine/annotate.ts';
import { trainReader } from '../../engine/train.ts';
import { chooseInput } from '../../engine/h5ad/normalization.ts';
import { H5adReader, type H5File } from '../../engine/h5ad/read.ts';
import { openInputFiles } from '../../engine/formats/open-browser.ts';
import type { MatrixReader } from '../../engine/formats/reader.ts';
import { checkHdf5Signature } from '../../engine/h5ad/signature.ts';
import { CellTypistError } from '../../engine/types.ts';
import { loadCore as loadCoreWith, type LoadOptions } from '../../engine/wasm/load.ts';
import type { Request, Response } from './protocol.ts';
import { fetchGeneTable } from '../../engine/models/fetch.ts';
import { CacheStore } from '../../engine/models/cache-store.ts';
import type { GeneTable } from '../../engine/models/registry.ts';

const post = (m: Response, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);
const aborts = new Map<number, AbortController>();
// Where the core's files are: bundled next to the engine by default; a 'config' message (sent
// first by package clients, see web/engine/browser-annotator.ts) can point elsewhere, e.g. a CDN.
let wasmLocation: Pick<LoadOptions, 'baseUrl' | 'locateFile'> = {};
const loadCore = () => loadCoreWith(wasmLocation);

/** Fetches an ortholog table like a model: streamed with progress, sha256-checked, cached (Cache API). */
function geneMap(table: GeneTable, id: number) {
  return async () =>
    (
      await fetchGeneTable(table, {
        store: new CacheStore(),
        onProgress: (p) =>
          post({ type: 'progress', id, progress: { stage: 'load_model', fraction: p.total ? p.loaded / p.total : 0, message: `gene table ${table.file}: ${(p.loaded / 1e6).toFixed(1)} MB` } }),
      })
    ).bytes;
}

/** Any supported input (h5ad, Cell Ranger .h5/folder, tables, mtx + names) from the dropped files. */
function openInput(files: File[], transpose_input?: boolean, model_features?: string[], onProgress?: (f: number, m: string) => void): Promise<MatrixReader> {
  return openInputFiles(files, { openHdf5: mountHdf5, transpose_input, model_features, onProgress });
}

let mounted = false;
async function mountHdf5(file: File): Promise<H5File> {
  const head = new Uint8Array(await file.slice(0, 4096).arrayBuffer());
  checkHdf5Signature(head, file.size, file.name);
  const { FS } = (await h5wasm.ready) as unknown as { FS: any };
  if (mounted) FS.unmount('/work');
  else FS.mkdir('/work');
  FS.mount(FS.filesystems.WORKERFS, { files: [file] }, '/work');
  mounted = true;
  let f: H5File;
  try {
    f = new h5wasm.File(`/work/${file.name}`, 'r') as unknown as H5File;
  } catch (e) {
    throw new CellTypistError('corrupt_h5ad', `'${file.name}' could not be opened as HDF5: the file is probably truncated or corrupt (${(e as Error).message})`);
  }
  return f;
}

async function open(file: File): Promise<H5adReader> {
  const f = await mountHdf5(file);
  try {
    return new H5adReader(f);
  } catch (e) {
    f.close();
    if (e instanceof CellTypistError) throw e;
    throw new CellTypistError('corrupt_h5ad', `'${file.name}' is damaged (${(e as Error).message}): the file is probably truncated or corrupt; export it again`);
  }
}

function fail(id: number, e: unknown) {
  const code = e instanceof CellTypistError ? e.code : 'error';
  post({ type: 'error', id, code, message: (e as Error).message ?? String(e) });
}

self.onmessage = async (ev: MessageEvent<Request>) => {
  const msg = ev.data;
  if (msg.type === 'cancel') {
    aborts.get(msg.id)?.abort();
    return;
  }
  if (msg.type === 'config') {
    const files = msg.wasmFiles;
    wasmLocation = files ? { locateFile: (f) => files[f] ?? f } : msg.wasmBaseUrl ? { baseUrl: msg.wasmBaseUrl } : {};
    preload();
    return;
  }
  try {
    if (msg.type === 'summary') {
      const r = await openInput(msg.files ?? [msg.file], msg.transpose_input, undefined, (fraction, message) => post({ type: 'progress', id: msg.id, progress: { stage: 'read', fraction, message } }));
      try {
        let kind = 'unknown';
        let warnings: string[] = [];
        try {
          const c = chooseInput(r);
          kind = c.verdict.kind;
          warnings = c.warnings;
        } catch (e) {
          warnings = [(e as Error).message];
          kind = 'invalid';
        }
        post({ type: 'summary', id: msg.id, summary: r.summary, kind, warnings });
      } finally {
        r.close();
      }
    } else if (msg.type === 'model') {
      const { core } = await loadCore();
      const m = loadModel(core, msg.bytes);
      try {
        post({ type: 'model', id: msg.id, info: { labels: m.labels(), n_features: m.n_features(), estimator: m.estimator(), description: m.description() } });
      } finally {
        m.delete();
      }
    } else if (msg.type === 'train') {
      const ac = new AbortController();
      aborts.set(msg.id, ac);
      const { core, variant } = await loadCore();
      const reader = await open(msg.file);
      try {
        const result = await trainReader(reader, msg.options, {
          core,
          n_threads: variant === 'simd-threads' ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2)) : 1,
          signal: ac.signal,
          onProgress: (progress) => post({ type: 'progress', id: msg.id, progress }),
        });
        post({ type: 'trained', id: msg.id, result }, [result.bytes.buffer]);
      } finally {
        aborts.delete(msg.id);
        reader.close();
      }
    } else if (msg.type === 'annotate') {
      const ac = new AbortController();
      aborts.set(msg.id, ac);
      const { core, variant } = await loadCore();
      const model = loadModel(core, msg.model);
      let reader: MatrixReader;
      try {
        reader = await openInput(msg.files ?? [msg.file], msg.transpose_input, model.features(), (fraction, message) => post({ type: 'progress', id: msg.id, progress: { stage: 'read', fraction, message } }));
      } catch (e) {
        model.delete();
        throw e;
      }
      try {
        // The asked-for embedding, when the file has it; otherwise a UMAP layout is computed
        // (unless the caller said compute_umap: false) so that there is always something to plot.
        const embName = msg.embedding && reader.summary.obsm.some((o) => o.name === msg.embedding && o.dims >= 2) ? msg.embedding : undefined;
        const options = embName || msg.options.compute_umap === false ? msg.options : { ...msg.options, compute_umap: true };
        const result = await annotateReader(reader, model, options, {
          core,
          variant,
          n_threads: variant === 'simd-threads' ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2)) : 1,
          signal: ac.signal,
          onProgress: (progress) => post({ type: 'progress', id: msg.id, progress }),
          geneMap: msg.geneTable ? geneMap(msg.geneTable, msg.id) : undefined,
          idTable: msg.idTable ? geneMap(msg.idTable, msg.id) : undefined,
        });
        const emb = embName
          ? { name: embName, ...reader.readObsm(embName) }
          : result.umap
            ? { name: 'UMAP (computed)', dims: 2, data: result.umap }
            : null;
        const transfer: Transferable[] = [result.conf_score.buffer];
        if (result.decision_matrix) transfer.push(result.decision_matrix.buffer);
        if (result.probability_matrix) transfer.push(result.probability_matrix.buffer);
        if (emb && emb.data !== result.umap) transfer.push(emb.data.buffer);
        if (result.umap) transfer.push(result.umap.buffer);
        const groups: Record<string, string[]> = {};
        for (const c of reader.summary.obs_columns) {
          if ((c.kind !== 'categorical' && c.kind !== 'string') || (c.n_categories ?? 0) > 500) continue;
          const v = reader.readObsColumn(c.name);
          if (Array.isArray(v) && new Set(v).size <= 500) groups[c.name] = v;
        }
        post({ type: 'result', id: msg.id, result, embedding: emb, groups }, transfer);
      } finally {
        aborts.delete(msg.id);
        reader.close();
        model.delete();
      }
    }
  } catch (e) {
    fail(msg.id, e);
  }
};

/** Starts loading the core early and says which build runs ('ready'). */
function preload() {
  loadCore()
    .then(({ variant }) => post({ type: 'ready', variant }))
    .catch((e) => fail(0, e));
}
// A worker named 'celltypist-configured' waits for its 'config' message; the app's starts now.
if (self.name !== 'celltypist-configured') preload();
