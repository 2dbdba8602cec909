/**
 * Worker of colouring the plot by a gene: the #colour-gene completion's names and one gene's
 * values (or a share of its cells), read with the direct HDF5 reader only. Without h5wasm or the
 * wasm core it is a small script that starts fast and holds no wasm heap (which never shrinks),
 * so it stays up while a run is shown and keeps its file open between genes. A file the direct
 * reader cannot read is answered `needs_h5wasm`: the Markers worker reads it then (gene-client.ts).
 */
import { openDirectH5ad } from '../../engine/h5ad/direct/open.ts';
import type { H5adReader } from '../../engine/h5ad/read.ts';
import { filePositionalReader } from '../../engine/formats/byte-source.ts';
import { geneNamesOf, type GeneNames, readGeneShare, readGeneValues } from '../../engine/markers/gene-values.ts';
import { completionList } from './gene-names.ts';
import type { GeneRequest, GeneResponse } from './gene-protocol.ts';

const fileKey = (f: File) => `${f.name}\u0000${f.size}\u0000${f.lastModified}`;
let open: { key: string; reader: H5adReader | null; names?: GeneNames } | null = null;

/** The file's reader (null: the direct reader cannot read it), opened once per file. */
function readerFor(file: File): H5adReader | null {
  if (open?.key === fileKey(file)) return open.reader;
  open?.reader?.close();
  open = { key: fileKey(file), reader: openDirectH5ad(filePositionalReader(file), () => undefined) };
  return open.reader;
}

function answer(msg: GeneRequest): { m: GeneResponse; transfer: Transferable[] } {
  const reader = readerFor(msg.file);
  if (!reader) return { m: { type: 'error', id: msg.id, message: 'the direct reader cannot read this file', needs_h5wasm: true }, transfer: [] };
  const names = (open!.names ??= geneNamesOf(reader));
  if (msg.type === 'gene-names') return { m: { type: 'gene-names', id: msg.id, names: msg.open_only ? [] : completionList(names) }, transfer: [] };
  const t0 = performance.now();
  const g = msg.share ? readGeneShare(reader, msg.gene, msg.share, { names }) : readGeneValues(reader, msg.gene, { names });
  const seconds = (performance.now() - t0) / 1000;
  return { m: { type: 'gene-values', id: msg.id, gene: g.gene, values: g.values, first: g.first, n_nonzero: g.n_nonzero, seconds }, transfer: [g.values.buffer] };
}

self.onmessage = (ev: MessageEvent<GeneRequest>) => {
  const w = self as unknown as Worker;
  try {
    const { m, transfer } = answer(ev.data);
    w.postMessage(m, transfer);
  } catch (e) {
    w.postMessage({ type: 'error', id: ev.data.id, message: (e as Error).message ?? String(e) } satisfies GeneResponse);
  }
};
