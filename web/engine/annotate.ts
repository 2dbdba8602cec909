/**
 * The annotation pipeline, as CellTypist 1.7.1 `annotate`: pick the matrix (X or raw/X),
 * match genes, stream row chunks through the wasm predictor, derive labels, optionally vote.
 * Memory stays bounded by the chunk size plus the outputs.
 */
import { chooseInput } from './h5ad/normalization.ts';
import { harmonizeGenes, symbolsFromEnsembl } from './genes/matching.ts';
import { convertForSpecies, type GeneMapSource } from './genes/orthologs.ts';
import { explainOverlap, findSymbolColumn, invalidNames, looksLikeEnsembl, minOverlap } from './genes/identifiers.ts';
import { makeUnique } from './genes/unique.ts';
import { featuresOf } from './models/features.ts';
import type { MatrixReader } from './formats/reader.ts';
import { clusterSource, ExpressionClusterer, overCluster } from './over-cluster.ts';
import { type AnnotateOptions, type AnnotationResult, CellTypistError, type ProgressCallback } from './types.ts';
import type { CoreModel, CoreModule, Variant } from './wasm/core.ts';
import { HeapBuffer } from './wasm/heap.ts';
import { matrixHeader, type MatrixTableSink } from './export/csv-stream.ts';
import { type HeapChunk, pipelineHeapChunks } from './wasm/heap-chunks.ts';
import { ensurePthreadWorkers, unrefPthreadWorkers } from './wasm/load.ts';
import { ChunkScorer } from './score-chunks.ts';
import type { ScoreChunk } from './export/scores.ts';
import { unassignedWarning } from './unassigned.ts';

export interface AnnotateContext {
  core: CoreModule;
  variant: Variant;
  /** Threads for scoring (threaded build only). */
  n_threads?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** The two-column ortholog map, fetched only when the model must be converted. */
  geneMap?: GeneMapSource;
  /** Sees each normalized chunk in the heap after scoring (e.g. the app gathers the UMAP's gene statistics on the same pass). */
  onChunk?: (c: HeapChunk) => void;
  /** CellTypist's `ensembl_id,symbol` table (GENCODE v44), fetched only for Ensembl IDs without a symbol column. */
  idTable?: GeneMapSource;
  /** Each chunk's scores (copies, rows × labels), in order: lets exports stream the matrices without keeping them. */
  onScores?: (c: ScoreChunk) => void | Promise<void>;
  /** Receives the decision/probability CSV tables chunk by chunk while cells are scored. */
  table_sink?: MatrixTableSink;
}

/** Loads model bytes into the core; the caller owns the returned model (`.delete()`). */
export function loadModel(core: CoreModule, bytes: Uint8Array): CoreModel {
  const buf = new HeapBuffer(core, 'u8');
  try {
    const ptr = buf.write(bytes);
    return new core.Model(ptr, bytes.length);
  } catch (e) {
    throw new CellTypistError('bad_model', (e as Error).message);
  } finally {
    buf.free();
  }
}

function checkAbort(signal?: AbortSignal) {
  if (signal?.aborted) throw new CellTypistError('cancelled', 'annotation cancelled');
}


export async function annotateReader(
  reader: MatrixReader,
  givenModel: CoreModel,
  options: AnnotateOptions,
  ctx: AnnotateContext,
): Promise<AnnotationResult> {
  let conversion: Awaited<ReturnType<typeof convertForSpecies>> | undefined;
  try {
    return await annotateWith(reader, givenModel, options, ctx, async (genes) => {
      conversion = await convertForSpecies(ctx.core, givenModel, genes, options, ctx.geneMap);
      return conversion;
    });
  } finally {
    if (conversion?.owned) conversion.model.delete();
  }
}

async function annotateWith(
  reader: MatrixReader,
  givenModel: CoreModel,
  options: AnnotateOptions,
  ctx: AnnotateContext,
  convert: (genes: string[]) => Promise<{ model: CoreModel; warning?: string; same_species: boolean }>,
): Promise<AnnotationResult> {
  const { core, signal, onProgress } = ctx;
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const mode = options.mode ?? 'best_match';
  const pThres = options.p_thres ?? 0.5;
  const chunkRows = Math.max(1, options.chunk_rows ?? 4096);
  const keepMatrices = options.return_matrices ?? true;
  // Nonzeros per chunk: bounds the memory of one chunk (data + indices, in h5wasm, JS and
  // wasm) to a few tens of MB whatever the density.
  const nnzBudget = 2_000_000;
  if (mode !== 'best_match' && mode !== 'prob_match') {
    throw new CellTypistError('bad_option', `mode must be 'best_match' or 'prob_match', not '${mode}'`);
  }
  if (options.insert_conf_by === 'majority_voting' && !options.majority_voting) {
    throw new CellTypistError('bad_option', "insert_conf_by 'majority_voting' needs majority voting: turn it on, or use 'predicted_labels'");
  }
  if (!(pThres >= 0 && pThres <= 1)) throw new CellTypistError('bad_option', `p_thres must be between 0 and 1, not ${pThres}`);

  onProgress?.({ stage: 'read', fraction: 0, message: 'checking the expression matrix' });
  const choice = chooseInput(reader, { normalize_counts: options.normalize_counts });
  const info = reader.matrix(choice.source);
  const nThreads = ctx.n_threads ?? 1;
  // Several chunks are scored in the background on n_threads pthreads. A single chunk is scored
  // here on this thread: it takes tens of milliseconds, less than starting a worker. Over-
  // clustering runs on this thread and n_threads - 1 workers. The missing workers start now, so
  // that they load while genes are matched (awaited before the first chunk).
  const singleChunk = reader.chunkEnd(choice.source, 0, chunkRows, nnzBudget) >= info.n_rows;
  const scoreThreads = singleChunk ? 1 : nThreads;
  // Automatic over-clustering (and the UMAP layout) need a graph.
  const needGraph = (!!options.majority_voting && !options.over_clustering) || !!options.compute_umap;
  const workers = Math.max(singleChunk ? 0 : nThreads, needGraph ? nThreads - 1 : 0);
  const pool = ctx.variant === 'simd-threads' && workers > 0 ? ensurePthreadWorkers(core, workers) : undefined;
  pool?.catch(() => undefined); // awaited below

  const cellIds = reader.obsNames();
  const warnings = [...choice.warnings];
  let geneColumn = options.gene_column;
  const indexGenes = reader.varNames(choice.source);
  if (!geneColumn && looksLikeEnsembl(indexGenes) && !looksLikeEnsembl(featuresOf(givenModel))) {
    // As CELLxGENE and many pipelines store it: Ensembl IDs in the index, symbols in a column.
    geneColumn = findSymbolColumn(reader.varColumns(choice.source));
    if (geneColumn) warnings.push(`the var index holds Ensembl gene IDs; gene symbols are taken from var column '${geneColumn}'.`);
  }
  let rawGenes = geneColumn ? reader.varNames(choice.source, geneColumn) : indexGenes;
  if (!geneColumn && ctx.idTable && looksLikeEnsembl(rawGenes) && !looksLikeEnsembl(featuresOf(givenModel)) && rawGenes.some((g) => g.startsWith('ENSG'))) {
    // Human Ensembl IDs and no symbol column: CellTypist's GENCODE v44 id → symbol table.
    onProgress?.({ stage: 'read', fraction: 0, message: 'mapping Ensembl gene IDs to symbols' });
    let table: Uint8Array | null = null;
    try {
      table = await ctx.idTable();
    } catch (e) {
      warnings.push(`the var index holds Ensembl gene IDs and there is no symbol column; the ID → symbol table could not be loaded (${(e as Error).message}).`);
    }
    if (table) {
      const mapped = symbolsFromEnsembl(rawGenes, table);
      rawGenes = mapped.names;
      warnings.push(
        `the var index holds Ensembl gene IDs and there is no symbol column: ${mapped.n_mapped.toLocaleString('en-US')} of ${rawGenes.length.toLocaleString('en-US')} IDs were mapped to gene symbols with CellTypist's GENCODE v44 table.`,
      );
    }
  }
  const garbled = invalidNames(rawGenes);
  if (garbled.length > 0) {
    warnings.push(
      `${garbled.length.toLocaleString('en-US')} gene name(s) are not valid UTF-8 text in the file (the first is gene ${garbled[0] + 1}); they cannot match model genes. Re-save the file with UTF-8 gene names if they matter.`,
    );
  }
  const unique = makeUnique(core, rawGenes);
  const renamed = unique.reduce((k, g, i) => k + (g !== rawGenes[i] ? 1 : 0), 0);
  if (renamed > 0) {
    const i = unique.findIndex((g, k) => g !== rawGenes[k]);
    warnings.push(
      `${renamed.toLocaleString('en-US')} gene name(s) occur more than once and were made unique as anndata's var_names_make_unique does (e.g. '${rawGenes[i]}' → '${unique[i]}'); only the first of each is matched to the model, as in CellTypist.`,
    );
  }
  const converted = await convert(rawGenes);
  const model = converted.model;
  if (converted.warning) warnings.push(converted.warning);
  // Case-insensitive matching only within one species, and never after an ortholog conversion.
  const modelFeatures = featuresOf(model);
  const harmonized = harmonizeGenes(unique, modelFeatures, converted.same_species);
  const genes = harmonized.genes;
  if (harmonized.n_version + harmonized.n_case > 0) {
    const parts = [
      harmonized.n_version ? `${harmonized.n_version.toLocaleString('en-US')} by ignoring Ensembl version suffixes` : '',
      harmonized.n_case ? `${harmonized.n_case.toLocaleString('en-US')} by ignoring letter case` : '',
    ].filter(Boolean);
    warnings.push(`some data genes match model genes only loosely: ${parts.join(', ')}.`);
  }
  const labels = model.labels();
  const L = labels.length;
  const n = info.n_rows;

  let predictor;
  try {
    predictor = new core.Predictor(model, genes);
  } catch (e) {
    throw new CellTypistError('no_overlap', `${explainOverlap(genes, featuresOf(model), 0)} (${(e as Error).message})`);
  }
  const nUsed = predictor.n_features_used();
  const nModel = model.n_features();
  if (nUsed < minOverlap(nModel)) {
    predictor.delete();
    throw new CellTypistError('low_overlap', explainOverlap(genes, featuresOf(model), nUsed));
  }
  if (nUsed < 0.5 * nModel) {
    warnings.push(`${explainOverlap(genes, featuresOf(model), nUsed)} Predictions may be unreliable.`);
  }
  // The expression pipeline's first pass (for the graph) rides along with prediction.
  const source = needGraph ? clusterSource(reader) : null;
  let expression: ExpressionClusterer | undefined;
  if (source === 'expression') {
    if (n < 3) {
      predictor.delete();
      throw new CellTypistError('cannot_over_cluster', `automatic over-clustering needs at least 3 cells (the file has ${n}): give a cluster column instead (CLI: --over-clustering COLUMN)`);
    }
    expression = new ExpressionClusterer(core, info.n_cols);
  }
  const decision = keepMatrices ? new Float64Array(n * L) : undefined;
  const probability = keepMatrices ? new Float64Array(n * L) : undefined;
  const predicted: string[] = new Array(n);
  const conf = new Float64Array(n);
  // A single chunk runs at once, on this thread and n_threads - 1 pthreads (see node.ts).
  await pool;
  const sink = ctx.table_sink;
  if (sink) for (const t of sink.tables) sink.write(t, matrixHeader(labels));
  const scorer = new ChunkScorer(core, predictor, { n_labels: L, cell_ids: cellIds, tables: sink?.tables ?? [], normalize: choice.normalize, n_threads: scoreThreads, n_rows: n });
  timings.load = (performance.now() - t0) / 1000;
  const tPredict = performance.now();
  try {
    await pipelineHeapChunks(core, reader, choice.source, { chunk_rows: chunkRows, nnz_budget: nnzBudget, signal, cancelled_message: 'annotation cancelled' }, {
      begin: (c, slot) => scorer.begin(c, slot),
      settle: (c, slot) => scorer.settle(c, slot),
      abandon: (c, slot) => scorer.settleNow(c, slot),
      finish: async (c, slot) => {
        const { start, end, rows } = c;
        try {
          expression?.addStats(c.data, c.indices, c.indptr, rows);
          ctx.onChunk?.(c);
        } catch (e) {
          throw new CellTypistError('predict_failed', (e as Error).message);
        }
        const ptr = scorer.pointers(slot);
        if (mode === 'best_match') {
          const best = core.best_match(ptr.decision, rows, L);
          for (let r = 0; r < rows; r++) predicted[start + r] = labels[best[r]];
        } else {
          const pm = core.prob_match(ptr.probability, rows, labels, pThres);
          for (let r = 0; r < rows; r++) predicted[start + r] = pm[r];
        }
        if (sink) {
          for (const t of sink.tables) sink.write(t, scorer.tableBytes(slot, t));
          await sink.drain?.();
        }
        const { decision: dView, probability: pView } = scorer.scores(slot, rows);
        if (decision) decision.set(dView, start * L);
        if (probability) probability.set(pView, start * L);
        for (let r = 0; r < rows; r++) {
          let m = -Infinity;
          for (let k = 0; k < L; k++) if (pView[r * L + k] > m) m = pView[r * L + k];
          conf[start + r] = m;
        }
        onProgress?.({ stage: 'predict', fraction: end / n, message: `${end.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} cells` });
        if (ctx.onScores) await ctx.onScores({ start, rows, decision: dView.slice(), probability: pView.slice() });
      },
    });
  } catch (e) {
    expression?.delete();
    throw e;
  } finally {
    if (ctx.variant === 'simd-threads') unrefPthreadWorkers(core); // workers started on demand
    predictor.delete();
    scorer.free();
  }
  timings.predict = (performance.now() - tPredict) / 1000;

  let auto: Awaited<ReturnType<typeof overCluster>> | undefined;
  if (source) {
    checkAbort(signal);
    const tCluster = performance.now();
    try {
      auto = await overCluster(
        core,
        reader,
        source,
        choice,
        { seed: options.seed ?? 0, n_threads: ctx.n_threads ?? 1, layout: !!options.compute_umap, chunk_rows: chunkRows },
        expression,
        onProgress,
        signal,
      );
    } finally {
      expression?.delete();
      if (ctx.variant === 'simd-threads') unrefPthreadWorkers(core);
    }
    timings.over_clustering = (performance.now() - tCluster) / 1000;
  }

  const unassigned = unassignedWarning(predicted, mode, pThres);
  if (unassigned) warnings.push(unassigned);
  const result: AnnotationResult = {
    cell_ids: cellIds,
    labels,
    predicted_labels: predicted,
    conf_score: conf,
    decision_matrix: decision,
    probability_matrix: probability,
    stats: {
      n_cells: n,
      n_genes: info.n_cols,
      n_features_model: nModel,
      n_features_used: nUsed,
      mode,
      p_thres: pThres,
      matrix: (reader.format ? `${reader.format.name}, ${reader.format.orientation}` : choice.source === 'X' ? 'X' : 'raw/X') + (choice.normalize ? ' (raw counts, normalized in-stream)' : ''),
      warnings,
      engine_variant: ctx.variant,
      timings,
    },
  };

  if (options.majority_voting) {
    checkAbort(signal);
    const tVote = performance.now();
    onProgress?.({ stage: 'voting', fraction: 0, message: 'majority voting' });
    let clusters: string[];
    if (options.over_clustering) {
      clusters = givenClusters(reader, options.over_clustering, n);
    } else {
      clusters = auto!.clusters;
      result.stats.over_clustering = { source: auto!.source, n_clusters: auto!.n_clusters, resolution: auto!.resolution };
    }
    const vote = core.majority_vote(predicted, clusters, options.min_prop ?? 0);
    result.over_clustering = clusters;
    result.majority_voting = vote.majority_voting;
    if (options.insert_conf_by === 'majority_voting') {
      if (!probability) throw new CellTypistError('bad_option', "insert_conf_by 'majority_voting' needs the probability matrix (return_matrices)");
      const buf = new HeapBuffer(core, 'f64');
      try {
        result.conf_score = core.conf_score_of(buf.write(probability), n, labels, vote.majority_voting);
      } finally {
        buf.free();
      }
    }
    timings.voting = (performance.now() - tVote) / 1000;
    onProgress?.({ stage: 'voting', fraction: 1 });
  }
  if (options.compute_umap && auto?.layout) result.umap = auto.layout;
  timings.total = (performance.now() - t0) / 1000;
  return result;
}

/** The over-clustering given by obs column name, or as one label per cell. */
function givenClusters(reader: MatrixReader, given: string | readonly string[], n: number): string[] {
  if (typeof given !== 'string') {
    if (given.length !== n) throw new CellTypistError('bad_over_clustering', `the over-clustering has ${given.length} labels for ${n} cells: give one cluster label per cell`);
    return Array.from(given, (v) => String(v));
  }
  const col = reader.readObsColumn(given);
  const clusters = Array.isArray(col) ? col : Array.from(col, (v) => String(v));
  if (clusters.length !== n) throw new CellTypistError('bad_over_clustering', `obs column '${given}' has ${clusters.length} values for ${n} cells`);
  return clusters;
}
