/**
 * "Why this label": for one cell, the genes that contribute most to its winning decision score
 * (coefficient × scaled value, computed by the core's Explainer). The cell's row is read with the
 * same input choice as annotation (X or raw/X, symbol column for Ensembl IDs, on-the-fly
 * normalization of counts), so contributions add up to the scores the cell was labelled by.
 * Not covered: models converted to the other species by orthologs (their genes do not match).
 */
import { findSymbolColumn, looksLikeEnsembl } from '../genes/identifiers.ts';
import { makeUnique } from '../genes/unique.ts';
import { chooseInput } from '../h5ad/normalization.ts';
import type { H5adReader, MatrixSource } from '../h5ad/read.ts';
import { CellTypistError } from '../types.ts';
import type { CoreModel, CoreModule } from '../wasm/core.ts';
import { HeapBuffer } from '../wasm/heap.ts';

export interface GeneContribution {
  gene: string;
  /** The cell's expression (after normalization, as the model saw it). */
  value: number;
  /** min((value − mean) / scale, 10). */
  scaled: number;
  coef: number;
  /** coef × scaled: this gene's share of the decision score. */
  contribution: number;
}

export interface CellExplanation {
  cell: number;
  /** The label with the highest decision score (CellTypist's best match). */
  label: string;
  decision: number;
  genes: GeneContribution[];
}

export interface ExplainOptions {
  normalize_counts?: boolean;
  gene_column?: string;
  /** Genes listed (default 10). */
  top_n?: number;
}

/** A model matched to a file's genes, ready to explain any of its cells. Call delete(). */
export class CellExplainer {
  private readonly explainer: ReturnType<typeof makeExplainer>;
  private readonly source: MatrixSource;
  private readonly normalize: boolean;
  private readonly features: string[];
  private readonly labels: string[];
  private readonly data: HeapBuffer;
  private readonly indices: HeapBuffer;
  private readonly indptr: HeapBuffer;

  constructor(
    private readonly core: CoreModule,
    private readonly reader: H5adReader,
    model: CoreModel,
    private readonly options: ExplainOptions = {},
  ) {
    const choice = chooseInput(reader, { normalize_counts: options.normalize_counts });
    this.source = choice.source;
    this.normalize = choice.normalize;
    let column = options.gene_column;
    const index = reader.varNames(choice.source);
    if (!column && looksLikeEnsembl(index)) column = findSymbolColumn(reader.varColumns(choice.source));
    const genes = makeUnique(core, column ? reader.varNames(choice.source, column) : index);
    this.explainer = makeExplainer(core, model, genes);
    this.features = model.features();
    this.labels = model.labels();
    this.data = new HeapBuffer(core, 'f32');
    this.indices = new HeapBuffer(core, 'i32');
    this.indptr = new HeapBuffer(core, 'i32');
  }

  /** The top contributing genes of cell `cell` (row index) to its best-scoring label. */
  explain(cell: number): CellExplanation {
    if (!(cell >= 0 && cell < this.reader.summary.n_obs)) throw new CellTypistError('bad_cell', `no cell ${cell}: the file has ${this.reader.summary.n_obs} cells`);
    const row = this.reader.readRows(this.source, cell, cell + 1);
    const nnz = row.data.length;
    const pData = this.data.write(row.data);
    const pIdx = this.indices.write(row.indices);
    if (this.normalize) this.core.normalize_log1p(pData, this.indptr.write(Int32Array.from([0, nnz])), 1);
    let best = 0;
    let bestScore = -Infinity;
    this.labels.forEach((_, c) => {
      const d = this.explainer.decision(pData, pIdx, nnz, c);
      if (d > bestScore) [best, bestScore] = [c, d];
    });
    const top = this.explainer.top(pData, pIdx, nnz, best, this.options.top_n ?? 10, true);
    return {
      cell,
      label: this.labels[best],
      decision: bestScore,
      genes: top.map((t) => ({ gene: this.features[t.feature], value: t.value, scaled: t.scaled, coef: t.coef, contribution: t.contribution })),
    };
  }

  delete(): void {
    this.explainer.delete();
    this.data.free();
    this.indices.free();
    this.indptr.free();
  }
}

function makeExplainer(core: CoreModule, model: CoreModel, genes: string[]) {
  try {
    return new core.Explainer(model, genes);
  } catch (e) {
    throw new CellTypistError('no_overlap', `cannot explain labels: ${(e as Error).message}`);
  }
}
