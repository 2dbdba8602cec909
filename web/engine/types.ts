/**
 * Public types of the celltypist-wasm engine: the contract between the engine (wasm + worker),
 * the app, the web component and the CLI. Keep names as CellTypist names things.
 */

/** CellTypist's two prediction modes. */
export type Mode = 'best_match' | 'prob_match';

/** Options of one annotation run (defaults = CellTypist 1.7.1 `annotate`). */
export interface AnnotateOptions {
  /** `best_match` (default) or `prob_match`. */
  mode?: Mode;
  /** Probability cut-off for `prob_match` (default 0.5). */
  p_thres?: number;
  /** Run majority voting (default false). */
  majority_voting?: boolean;
  /**
   * The over-clustering: an obs column name, or one cluster label per cell (as CellTypist also
   * takes a list/array); absent → automatic over-clustering (CellTypist's: the file's neighbour
   * graph, else its X_pca, else HVG → PCA → kNN → Leiden).
   */
  over_clustering?: string | readonly string[];
  /** Minimum share of the majority label in a cluster, else `Heterogeneous` (default 0). */
  min_prop?: number;
  /** var column with gene symbols (default: the var index, or auto-detected when the index holds Ensembl IDs). */
  gene_column?: string;
  /** Rows per chunk streamed to the core (default 4096). */
  chunk_rows?: number;
  /** Also return the full decision and probability matrices (default true). */
  return_matrices?: boolean;
  /** Normalize raw counts to 10,000 per cell + log1p in-stream when X holds counts (default false; the app turns it on). */
  normalize_counts?: boolean;
  /** Also compute a 2-D UMAP layout (`umap` in the result) from the over-clustering's graph, for files without an embedding (default false). */
  compute_umap?: boolean;
  /** conf_score of the predicted label (default, 'predicted_labels') or of the majority-voting label ('majority_voting'), as CellTypist's to_adata(insert_conf_by). */
  insert_conf_by?: 'predicted_labels' | 'majority_voting';
  /** Convert a model of the other species (human vs mouse gene symbols) by orthologs, as CellTypist's Model.convert() (default true). */
  convert_orthologs?: boolean;
  /** With conversion: 1:1 orthologs only (default true, CellTypist's default), else 1:N averaged. */
  ortholog_unique_only?: boolean;
  /** Seed for over-clustering / UMAP (default 0). */
  seed?: number;
}

/** Progress of a run: stage name, fraction in [0, 1] and a human message. */
export interface Progress {
  stage: 'load_model' | 'read' | 'predict' | 'over_clustering' | 'voting' | 'umap' | 'write' | 'train';
  fraction: number;
  message?: string;
}

export type ProgressCallback = (p: Progress) => void;

/** A loaded CellTypist model's metadata. */
export interface ModelInfo {
  labels: string[];
  n_features: number;
  estimator: 'LogisticRegression' | 'SGDClassifier';
  description: {
    date: string;
    details: string;
    url: string;
    source: string;
    version: string;
    number_celltypes: number;
  };
}

/** Result of an annotation, columns as CellTypist's AnnotationResult. */
export interface AnnotationResult {
  /** Cell ids (obs names) in file order. */
  cell_ids: string[];
  /** Model labels (columns of the matrices), model order. */
  labels: string[];
  /** Per cell `predicted_labels` (best match label, or prob-match label joined by `|`, or `Unassigned`). */
  predicted_labels: string[];
  /** Per cell max probability. */
  conf_score: Float64Array;
  /** Row-major cells × labels, when return_matrices. */
  decision_matrix?: Float64Array;
  probability_matrix?: Float64Array;
  /** With majority voting: cluster of each cell (strings as CellTypist writes them). */
  over_clustering?: string[];
  /** With majority voting: voted label per cell. */
  majority_voting?: string[];
  /** Embedding computed by the engine when asked (row-major cells × 2). */
  umap?: Float32Array;
  /** Facts for messages and the report. */
  stats: {
    n_cells: number;
    n_genes: number;
    n_features_model: number;
    n_features_used: number;
    mode: Mode;
    p_thres: number;
    /** Which matrix was used: 'X' or 'raw/X'. */
    matrix: string;
    /** Warnings shown to the user (e.g. row sums not 10,000). */
    warnings: string[];
    /** 'simd-threads' | 'simd' | 'native' */
    engine_variant: string;
    /** Wall seconds per stage. */
    timings: Record<string, number>;
    /** With automatic over-clustering: where it started from and what it found. */
    over_clustering?: { source: 'graph' | 'pca' | 'expression'; n_clusters: number; resolution: number };
  };
}

/** Error with a user-readable message and a stable code for the app to show help. */
export class CellTypistError extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CellTypistError';
  }
}
