/**
 * Worker of the Markers and "why this label" panels and of colouring the plot by a gene: dotplots
 * and gene colours stream only the chosen genes' columns of the dropped file (the page stays
 * responsive on atlas-sized files); top markers and per-cell contributions come from the wasm core. Separate from the annotation worker so these
 * never wait for a run. The file stays open (lazily read) between requests. The core files are
 * found next to the engine's loader (bundled assets), as in the annotation worker.
 */
import { loadModel } from '../../engine/annotate.ts';
import type { H5adReader } from '../../engine/h5ad/read.ts';
import { dotplotReader } from '../../engine/markers/dotplot-reader.ts';
import { CellExplainer } from '../../engine/markers/explain.ts';
import { findSymbolColumn, looksLikeEnsembl } from '../../engine/genes/identifiers.ts';
import { geneNamesOf, type GeneNames, readGeneValues } from '../../engine/markers/gene-values.ts';
import type { CoreModel } from '../../engine/wasm/core.ts';
import { loadCore } from '../../engine/wasm/load.ts';
import type { MarkersRequest, MarkersResponse } from './markers-protocol.ts';
import { openFile } from '../../engine/worker/open-file.ts';
import { completionList } from './gene-names.ts';

const post = (m: MarkersResponse) => (self as unknown as Worker).postMessage(m);

// Files and model bytes arrive as structured clones (new objects every message): keep them open
// by identity keys instead.
const fileKey = (f: File) => `${f.name}\u0000${f.size}\u0000${f.lastModified}`;
function bytesKey(b: Uint8Array): string {
  let h = 2166136261;
  const step = Math.max(1, Math.floor(b.length / 4096));
  for (let i = 0; i < b.length; i += step) h = Math.imul(h ^ b[i], 16777619);
  return `${b.length}:${h >>> 0}`;
}

let open: { key: string; reader: H5adReader; names?: GeneNames } | null = null;
let explaining: { key: string; m: CoreModel; e: CellExplainer } | null = null;

async function readerFor(file: File): Promise<H5adReader> {
  if (open?.key === fileKey(file)) return open.reader;
  dropExplainer();
  open?.reader.close();
  open = null;
  open = { key: fileKey(file), reader: await openFile(file) };
  return open.reader;
}

function dropExplainer(): void {
  explaining?.e.delete();
  explaining?.m.delete();
  explaining = null;
}

async function explainerFor(file: File, model: Uint8Array, normalize: boolean): Promise<CellExplainer> {
  const reader = await readerFor(file);
  const key = `${fileKey(file)}|${bytesKey(model)}|${normalize}`;
  if (explaining?.key === key) return explaining.e;
  dropExplainer();
  const { core } = await loadCore({ variant: 'simd' });
  const m = loadModel(core, model);
  try {
    explaining = { key, m, e: new CellExplainer(core, reader, m, { normalize_counts: normalize, top_n: 12 }) };
  } catch (e) {
    m.delete();
    throw e;
  }
  return explaining.e;
}

self.onmessage = async (ev: MessageEvent<MarkersRequest>) => {
  const msg = ev.data;
  try {
    if (msg.type === 'genes') {
      const reader = await readerFor(msg.file);
      const index = reader.varNames();
      const symbols = looksLikeEnsembl(index) ? findSymbolColumn(reader.varColumns()) : undefined;
      post({ type: 'genes', id: msg.id, genes: symbols ? reader.varNames('X', symbols) : index });
    } else if (msg.type === 'markers') {
      const { core } = await loadCore({ variant: 'simd' });
      const m = loadModel(core, msg.model);
      try {
        const labels = m.labels();
        post({ type: 'markers', id: msg.id, labels, markers: Object.fromEntries(labels.map((l) => [l, m.top_markers(l, msg.top, true)])) });
      } finally {
        m.delete();
      }
    } else if (msg.type === 'dotplot') {
      const reader = await readerFor(msg.file);
      const sizes = new Float64Array(msg.names.length);
      for (const c of msg.codes) if (c >= 0) sizes[c]++;
      const dotplot = dotplotReader(reader, { groups: { names: msg.names, codes: msg.codes, sizes }, genes: msg.genes, standard_scale: msg.standard_scale });
      post({ type: 'dotplot', id: msg.id, dotplot });
    } else if (msg.type === 'gene-names' || msg.type === 'gene-values') {
      const reader = await readerFor(msg.file);
      const names = (open!.names ??= geneNamesOf(reader));
      if (msg.type === 'gene-names') post({ type: 'gene-names', id: msg.id, names: completionList(names) });
      else {
        const t0 = performance.now();
        const g = readGeneValues(reader, msg.gene, { names });
        const m: MarkersResponse = { type: 'gene-values', id: msg.id, gene: g.gene, values: g.values, n_nonzero: g.n_nonzero, seconds: (performance.now() - t0) / 1000 };
        (self as unknown as Worker).postMessage(m, [g.values.buffer]);
      }
    } else if (msg.type === 'explain') {
      const e = await explainerFor(msg.file, msg.model, msg.normalize_counts);
      post({ type: 'explain', id: msg.id, explanation: e.explain(msg.cell) });
    }
  } catch (e) {
    post({ type: 'error', id: msg.id, message: (e as Error).message ?? String(e) });
  }
};
