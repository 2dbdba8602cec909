/**
 * The annotated .h5ad, written as a NEW file with memory bounded by one chunk: X, raw, layers,
 * var, obsp, varm, varp and the input's obs/obsm/uns are streamed through from the lazily read
 * input, and CellTypist's annotations are added as `AnnotationResult.to_adata()` does —
 * obs `predicted_labels`, `over_clustering`, `majority_voting` (strings) and `conf_score`;
 * obsm['probability_matrix'] (cells × cell types, written chunk by chunk from a ScoreStream;
 * cell-type names in uns['celltypist_labels']); obsm['X_umap'] when a layout was computed; and
 * uns['celltypist'] with the provenance (model name, version, sha256, options, engine version).
 * When an encyclopedia describes the labels, obs also gets `predicted_labels_ontology_term_id`
 * (and `majority_voting_ontology_term_id` after voting): Cell Ontology IDs, '' where none.
 *
 * The light variant (`light: true`) writes only obs, obsm and uns (no expression matrices, an
 * empty var): a small file of the annotations that anndata opens as n_obs × 0.
 *
 * One implementation serves the CLI (--write-h5ad: a real file), the engine API and the app
 * worker (a file on a random-access sink: OPFS or a Blob assembled from chunks).
 */
import { copyAttrs, copyMembers, CHUNK_BYTES, SLICE_BYTES, datasetBytes, type CDataset, type CGroup, type CopyContext } from '../h5ad/copy.ts';
import { WRITE_LIBVER } from '../h5ad/write.ts';
import { endOfFile } from '../h5ad/signature.ts';
import { CellTypistError, type AnnotationResult } from '../types.ts';
import { ENGINE_VERSION } from '../version.ts';
import type { ScoreStream } from './scores.ts';
import type { OntologyColumns } from '../encyclopedia/ontology.ts';

/** What the file records about the run that produced it (uns['celltypist']). */
export interface Provenance {
  /** Model file or catalog name, e.g. 'Immune_All_Low.pkl'. */
  model: string;
  /** The model's own version/date (its description), '' when unknown. */
  model_version: string;
  /** sha256 of the model file's bytes (hex). */
  model_sha256: string;
  /** Annotation options (mode, p_thres, majority_voting, over_clustering, min_prop, ...). */
  options: Record<string, string | number | boolean>;
}

/**
 * The per-cell annotations to add (a result without its matrices is enough), and the Cell
 * Ontology term IDs of the labels when an encyclopedia describes them (encyclopedia/ontology.ts).
 */
export type Annotations = Pick<AnnotationResult, 'cell_ids' | 'labels' | 'predicted_labels' | 'conf_score' | 'over_clustering' | 'majority_voting' | 'umap'> & { ontology?: OntologyColumns };

export interface WriteAnnotatedOptions {
  /** Annotations-only file: obs + obsm + uns, no X/raw/layers (default false). */
  light?: boolean;
  signal?: AbortSignal;
  /** Fraction of the bytes to write done, with a message. */
  onProgress?: (fraction: number, message: string) => void;
  /** Awaited between chunks (e.g. to yield to the event loop). */
  tick?: () => Promise<void>;
  /** Bytes per streamed slice (default 8 MB): the memory bound of the copy. */
  slice_bytes?: number;
  /** The date recorded in uns['celltypist'] (default now): the same in both passes of a replayed write. */
  date?: string;
}

export interface H5Writer {
  File: new (path: string, mode: string, options?: object) => CGroup & { close(): unknown };
}

/**
 * Checks a written file's first bytes against its size: HDF5 records the end of the file in the
 * superblock when it closes it cleanly, so a write that failed silently (h5wasm does not always
 * throw when the disk or the storage quota is full) is caught here instead of a broken download.
 * `advice` says what to do (default: the browser's).
 */
export function checkWritten(head: Uint8Array, size: number, name: string, advice = "the disk or the browser's storage is probably full. Free some space and export again."): void {
  const eof = head.length >= 48 ? endOfFile(head, 0) : null;
  if (eof !== size) {
    throw new CellTypistError('write_failed', `${name} was not written completely (HDF5 recorded ${eof?.toLocaleString('en-US') ?? 'no'} bytes, the file has ${size.toLocaleString('en-US')}): ${advice}`);
  }
}

/** The obs columns the annotation writes (replaced when the input already has them). */
const OBS_COLUMNS = ['predicted_labels', 'over_clustering', 'majority_voting', 'conf_score', 'predicted_labels_ontology_term_id', 'majority_voting_ontology_term_id'];

function enc(node: { create_attribute(n: string, d: unknown): void }, type: string, version: string) {
  node.create_attribute('encoding-type', type);
  node.create_attribute('encoding-version', version);
}

function attrStrings(node: CGroup, name: string): string[] {
  const v = node.attrs[name]?.value;
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return v ? [v] : [];
  return [];
}

/** Bytes of the numeric datasets under a group that will be streamed (for progress). */
function bytesUnder(g: CGroup, skip: (name: string) => boolean = () => false): number {
  let total = 0;
  for (const k of g.keys()) {
    if (skip(k)) continue;
    const c = g.get(k);
    if (!c) continue;
    total += c.type === 'Group' ? bytesUnder(c as CGroup) : datasetBytes(c as CDataset);
  }
  return total;
}

/**
 * Writes the annotated file at `outPath` (created or truncated). `scores` streams the
 * probability matrix (null: no obsm['probability_matrix']). Returns warnings (e.g. input
 * objects of types that could not be copied). On failure the partial file is left for the
 * caller to remove.
 */
export async function writeAnnotatedH5ad(
  h5: H5Writer,
  input: CGroup,
  outPath: string,
  ann: Annotations,
  scores: ScoreStream | null,
  provenance: Provenance,
  opts: WriteAnnotatedOptions = {},
): Promise<{ warnings: string[] }> {
  if (!input.keys().includes('X') || !input.keys().includes('obs')) {
    throw new CellTypistError('not_h5ad_input', 'the annotated .h5ad adds the annotations to an AnnData .h5ad input, and this HDF5 file is not one (no X/obs): download the CSV tables instead, or convert the data to .h5ad first');
  }
  const obs = input.get('obs');
  if (!obs || obs.type !== 'Group') {
    throw new CellTypistError('legacy_h5ad', 'this file uses the old (anndata < 0.8) encoding, which the annotated .h5ad writer does not convert: download the CSV tables instead, or re-save the file with a current anndata (anndata.read_h5ad(path).write_h5ad(path))');
  }
  checkLengths(ann);
  const n = ann.cell_ids.length;
  const L = ann.labels.length;
  const keepRoot = (k: string) => !opts.light || k === 'obs' || k === 'obsm' || k === 'uns';
  const total = Math.max(1, bytesUnder(input, (k) => !keepRoot(k)) + (scores ? n * L * 8 : 0));
  let done = 0;
  const ctx: CopyContext = {
    skipped: [],
    slice_bytes: opts.slice_bytes,
    onBytes: (b) => {
      done += b;
      opts.onProgress?.(Math.min(1, done / total), `${(done / 1e6).toFixed(0)} of ${(total / 1e6).toFixed(0)} MB`);
    },
    tick: async () => {
      if (opts.signal?.aborted) throw new CellTypistError('cancelled', 'export cancelled');
      await opts.tick?.();
    },
  };
  const out = new h5.File(outPath, 'w', { libver: WRITE_LIBVER });
  try {
    copyAttrs(input, out);
    if (!('encoding-type' in input.attrs)) enc(out, 'anndata', '0.1.0');
    const special = new Set(['obs', 'obsm', 'uns']);
    await copyMembers(input, out, '', ctx, (k) => special.has(k) || !keepRoot(k));
    if (opts.light) writeEmptyVar(out);
    await writeObs(out, obs as CGroup, ann, ctx);
    await ctx.tick!();
    await writeObsm(out, input.get('obsm') as CGroup | null, ann, scores, ctx);
    await writeUns(out, input.get('uns') as CGroup | null, ann, provenance, ctx, opts.date);
  } finally {
    out.close();
  }
  opts.onProgress?.(1, 'done');
  const warnings = ctx.skipped.length
    ? [`${ctx.skipped.length} object(s) of the input could not be copied (types h5wasm cannot write): ${ctx.skipped.slice(0, 5).join(', ')}`]
    : [];
  return { warnings };
}

function checkLengths(ann: Annotations) {
  const n = ann.cell_ids.length;
  const cols: [string, { length: number } | undefined][] = [
    ['predicted_labels', ann.predicted_labels],
    ['conf_score', ann.conf_score],
    ['over_clustering', ann.over_clustering],
    ['majority_voting', ann.majority_voting],
    ['predicted_labels_ontology_term_id', ann.ontology?.predicted_labels_ontology_term_id],
    ['majority_voting_ontology_term_id', ann.ontology?.majority_voting_ontology_term_id],
  ];
  for (const [name, v] of cols) {
    if (v && v.length !== n) throw new CellTypistError('bad_result', `column ${name} has ${v.length} values for ${n} cells`);
  }
  if (ann.umap && ann.umap.length !== 2 * n) throw new CellTypistError('bad_result', `the UMAP layout has ${ann.umap.length / 2} rows for ${n} cells`);
}

/** An empty var dataframe (0 genes) for the light file. */
function writeEmptyVar(out: CGroup) {
  const g = out.create_group('var');
  enc(g, 'dataframe', '0.2.0');
  g.create_attribute('_index', '_index');
  g.create_attribute('column-order', new Float64Array(0), [0], '<d');
  const idx = g.create_dataset({ name: '_index', data: [], shape: [0], dtype: 'S' });
  enc(idx, 'string-array', '0.2.0');
}

/** obs: the input's columns (annotation columns replaced) plus CellTypist's. */
async function writeObs(out: CGroup, obs: CGroup, ann: Annotations, ctx: CopyContext) {
  const indexName = attrStrings(obs, '_index')[0] ?? '_index';
  const index = obs.get(indexName) as CDataset | null;
  if (!index || (index.shape?.[0] ?? -1) !== ann.cell_ids.length) {
    throw new CellTypistError('bad_result', `the annotations are for ${ann.cell_ids.length.toLocaleString('en-US')} cells but the file's obs has ${index?.shape?.[0]?.toLocaleString('en-US') ?? 'no'} rows: annotate this file again`);
  }
  const g = out.create_group('obs');
  copyAttrs(obs, g, ['column-order']);
  await copyMembers(obs, g, '/obs', ctx, (k) => OBS_COLUMNS.includes(k));
  const columns: [string, string[] | Float64Array][] = [['predicted_labels', ann.predicted_labels]];
  if (ann.majority_voting) columns.push(['over_clustering', ann.over_clustering!], ['majority_voting', ann.majority_voting]);
  columns.push(['conf_score', ann.conf_score]);
  // CellTypist's columns keep their order; the term IDs follow them ('' for a label without one).
  const ont = ann.ontology;
  if (ont) columns.push(['predicted_labels_ontology_term_id', ont.predicted_labels_ontology_term_id]);
  if (ont?.majority_voting_ontology_term_id && ann.majority_voting) columns.push(['majority_voting_ontology_term_id', ont.majority_voting_ontology_term_id]);
  const order = attrStrings(obs, 'column-order').filter((c) => !OBS_COLUMNS.includes(c));
  for (const [name, values] of columns) {
    const ds = g.create_dataset({ name, data: values, shape: [values.length], dtype: Array.isArray(values) ? 'S' : '<d' });
    enc(ds, Array.isArray(values) ? 'string-array' : 'array', '0.2.0');
    order.push(name);
  }
  g.create_attribute('column-order', order);
}

/** A dict group: the input's (members copied, except `replaced`) or a new one. */
async function dictGroup(out: CGroup, name: string, src: CGroup | null, replaced: string[], ctx: CopyContext): Promise<CGroup> {
  const g = out.create_group(name);
  if (src && src.type === 'Group') {
    copyAttrs(src, g);
    await copyMembers(src, g, `/${name}`, ctx, (k) => replaced.includes(k));
  }
  if (!('encoding-type' in g.attrs)) enc(g, 'dict', '0.1.0');
  return g;
}

/** obsm: the input's embeddings, X_umap when computed, probability_matrix streamed from the scores. */
async function writeObsm(out: CGroup, src: CGroup | null, ann: Annotations, scores: ScoreStream | null, ctx: CopyContext) {
  const replaced = ['probability_matrix', ...(ann.umap ? ['X_umap'] : [])];
  const g = await dictGroup(out, 'obsm', src, replaced, ctx);
  const n = ann.cell_ids.length;
  if (ann.umap) {
    const ds = g.create_dataset({ name: 'X_umap', data: ann.umap, shape: [n, 2], dtype: '<f' });
    enc(ds, 'array', '0.2.0');
  }
  if (!scores) return;
  const L = ann.labels.length;
  const chunkRows = Math.max(1, Math.min(n, Math.floor(CHUNK_BYTES / (8 * L))));
  const ds = g.create_dataset({ name: 'probability_matrix', data: new Float64Array(0), shape: [0, L], maxshape: [null, L], chunks: [chunkRows, L], dtype: '<d' });
  enc(ds, 'array', '0.2.0');
  // Rows are buffered up to whole HDF5 chunks so that no partial chunk is written then read back.
  const sliceRows = chunkRows * Math.max(1, Math.floor((ctx.slice_bytes ?? SLICE_BYTES) / (chunkRows * L * 8)));
  const buf = new Float64Array(Math.min(n, sliceRows) * L);
  let buffered = 0;
  let written = 0;
  let next = 0;
  const flush = () => {
    if (buffered === 0) return;
    ds.resize([written + buffered, L]);
    ds.write_slice([[written, written + buffered], [0, L]], buf.subarray(0, buffered * L));
    ctx.onBytes?.(buffered * L * 8);
    written += buffered;
    buffered = 0;
  };
  await scores(async (c) => {
    if (c.start !== next) throw new CellTypistError('bad_result', `score chunks out of order (rows ${c.start}, expected ${next})`);
    for (let r = 0; r < c.rows; ) {
      const take = Math.min(c.rows - r, buf.length / L - buffered);
      buf.set(c.probability.subarray(r * L, (r + take) * L), buffered * L);
      buffered += take;
      r += take;
      if (buffered * L === buf.length) flush();
    }
    next = c.start + c.rows;
    await ctx.tick?.();
  });
  flush();
  if (next !== n) throw new CellTypistError('bad_result', `the scores covered ${next} of ${n} cells`);
}

/** uns: the input's, plus celltypist_labels and the provenance dict uns['celltypist']. */
async function writeUns(out: CGroup, src: CGroup | null, ann: Annotations, p: Provenance, ctx: CopyContext, date = new Date().toISOString()) {
  const g = await dictGroup(out, 'uns', src, ['celltypist_labels', 'celltypist'], ctx);
  const labels = g.create_dataset({ name: 'celltypist_labels', data: ann.labels, shape: [ann.labels.length], dtype: 'S' });
  enc(labels, 'string-array', '0.2.0');
  const prov = g.create_group('celltypist');
  enc(prov, 'dict', '0.1.0');
  const values: Record<string, string | number | boolean> = {
    model: p.model,
    model_version: p.model_version,
    model_sha256: p.model_sha256,
    engine: 'celltypist-wasm',
    engine_version: ENGINE_VERSION,
    celltypist_version: '1.7.1',
    date,
  };
  writeScalars(prov, values);
  const opts = prov.create_group('options');
  enc(opts, 'dict', '0.1.0');
  writeScalars(opts, p.options);
}

/** Scalars as anndata writes them: strings ('string') and numbers/booleans ('numeric-scalar'). */
function writeScalars(g: CGroup, values: Record<string, string | number | boolean>) {
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'string') {
      enc(g.create_dataset({ name: k, data: v, shape: [], dtype: 'S' }), 'string', '0.2.0');
    } else if (typeof v === 'boolean') {
      enc(g.create_dataset({ name: k, data: Int8Array.of(v ? 1 : 0), shape: [], dtype: '<b' }), 'numeric-scalar', '0.2.0');
    } else {
      enc(g.create_dataset({ name: k, data: Float64Array.of(v), shape: [], dtype: '<d' }), 'numeric-scalar', '0.2.0');
    }
  }
}
