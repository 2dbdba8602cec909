/**
 * Worker of the Markers panel: computes dotplots by streaming only the chosen genes' columns of
 * the dropped file (so the page stays responsive on atlas-sized files), and top markers from the
 * model in the wasm core. Separate from the annotation worker so a dotplot never waits for a run.
 */
import { loadModel } from '../../engine/annotate.ts';
import { dotplotReader } from '../../engine/markers/dotplot-reader.ts';
import { findSymbolColumn, looksLikeEnsembl } from '../../engine/genes/identifiers.ts';
import { loadCore } from '../../engine/wasm/load.ts';
import type { MarkersRequest, MarkersResponse } from './markers-protocol.ts';
import { openFile } from './open-file.ts';

const post = (m: MarkersResponse) => (self as unknown as Worker).postMessage(m);
const wasmBase = new URL('../wasm/', self.location.href).href;

self.onmessage = async (ev: MessageEvent<MarkersRequest>) => {
  const msg = ev.data;
  try {
    if (msg.type === 'genes') {
      const reader = await openFile(msg.file);
      try {
        const index = reader.varNames();
        const symbols = looksLikeEnsembl(index) ? findSymbolColumn(reader.varColumns()) : undefined;
        post({ type: 'genes', id: msg.id, genes: symbols ? reader.varNames('X', symbols) : index });
      } finally {
        reader.close();
      }
    } else if (msg.type === 'markers') {
      const { core } = await loadCore({ variant: 'simd', baseUrl: wasmBase });
      const m = loadModel(core, msg.model);
      try {
        const labels = m.labels();
        post({ type: 'markers', id: msg.id, labels, markers: Object.fromEntries(labels.map((l) => [l, m.top_markers(l, msg.top, true)])) });
      } finally {
        m.delete();
      }
    } else if (msg.type === 'dotplot') {
      const reader = await openFile(msg.file);
      try {
        const sizes = new Float64Array(msg.names.length);
        for (const c of msg.codes) if (c >= 0) sizes[c]++;
        const dotplot = dotplotReader(reader, { groups: { names: msg.names, codes: msg.codes, sizes }, genes: msg.genes, standard_scale: msg.standard_scale });
        post({ type: 'dotplot', id: msg.id, dotplot });
      } finally {
        reader.close();
      }
    }
  } catch (e) {
    post({ type: 'error', id: msg.id, message: (e as Error).message ?? String(e) });
  }
};
