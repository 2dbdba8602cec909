/**
 * The command line's help texts: the summary of every command with annotate's options (USAGE),
 * and the options of train, compare and dotplot. Plain text only, so that every command (and
 * the dispatcher) can print them without loading another command.
 */

/** The summary of the commands and annotate's options (`celltypist-wasm --help`, `annotate --help`). */
export const USAGE = `usage:
  celltypist-wasm annotate -i DATA.h5ad -m MODEL.pkl [-o OUTDIR] [options]
  celltypist-wasm train -i REF.h5ad --labels OBS_COL -o MODEL.pkl [train options]
  celltypist-wasm subset -m MODEL.pkl --types "A,B,C" -o OUT.pkl   the model restricted to some cell types
  celltypist-wasm convert -m MODEL.pkl -o OUT.pkl [--gene-map FILE] [--all-orthologs]   human <-> mouse by orthologs
  celltypist-wasm compare -i DATA.h5ad -m A.pkl -m B.pkl [-m ...] [-o OUTDIR] [--majority-voting]   labels of several
                                                        models per cell, pairwise agreement and cross-tabs
  celltypist-wasm dotplot -i DATA.h5ad --groupby COL --genes A,B,C | -m MODEL [--top 2] [--table OUT.csv] [--out OUT.svg|png]
  celltypist-wasm models [--json]                       list the CellTypist model catalog
  celltypist-wasm models --show MODEL.pkl|NAME [--top N]   cell types (and top markers) of a model
  celltypist-wasm models --show MODEL.pkl|NAME --type LABEL   one cell type's card: parent type, Cell Ontology ID,
                                                        curated markers, tissues, studies (the cell-type encyclopedia)
  celltypist-wasm models --download NAME                 download a catalog model into the cache (again if cached: compared)
  celltypist-wasm models --mirror DIR [NAME ...] [--from FOLDER|URL]   copy catalog models (default: the default
                                                        model) into DIR with DIR/registry.json (name, version, sha256,
                                                        size, relative URL): serve DIR as models/ beside the app's
                                                        index.html, or use it with --model-mirror. Sources: the catalog
                                                        URLs, a folder of .pkl files named as in the catalog, a base
                                                        URL; known sha256 values checked, others recorded

annotate options (as CellTypist's command line):
  -i, --input, --indata PATH   query .h5ad (log1p-normalized to 10,000 counts in X or raw/X), or raw counts as
                               CellTypist reads them: a table (.csv/.txt/.tsv/.tab, optionally .gz; cells in rows,
                               gene-by-cell tables detected as CellTypist does), a .mtx[.gz] with --gene-file and
                               --cell-file, a Cell Ranger folder or its filtered_feature_bc_matrix.h5
  --transpose-input            the table or .mtx is genes × cells (CellTypist's --transpose-input)
  --gene-file PATH             genes of the .mtx, one per line (CellTypist's --gene-file)
  --cell-file PATH             cells of the .mtx, one per line (CellTypist's --cell-file)
  -m, --model PATH|NAME        CellTypist model .pkl, or a catalog name (downloaded, verified, cached)
  --model-mirror DIR|URL       take catalog models from a mirror written by models --mirror first (also
                               subset, convert, compare, dotplot, models --show/--download; environment
                               variable CELLTYPIST_WASM_MODEL_MIRROR)
  -o, --outdir DIR             output folder (default: current folder)
  --mode best_match|prob_match (default best_match)
  --p-thres P                  probability cut-off for prob_match (default 0.5)
  --majority-voting            refine labels by majority voting over clusters
  --over-clustering KEY        obs column with the over-clustering (default: automatic, as CellTypist:
                               the file's neighbour graph, else obsm X_pca, else HVG -> PCA -> kNN -> Leiden)
  --seed N                     random seed of the automatic over-clustering and UMAP (default 0)
  --umap                       also compute a 2-D UMAP layout (writes [PREFIX]umap.csv)
  --min-prop P                 minimum majority share, else Heterogeneous (default 0)
  --prefix P                   prefix for output file names
  --gene-column COL            var column with gene symbols (default: var index)
  --gene-map FILE              two-column ortholog map used when the model is of the other species (human vs
                               mouse symbols; default: CellTypist's Ensembl 105 table, downloaded once and cached)
  --no-convert                 never convert a model of the other species by orthologs
  --all-orthologs              convert with 1:N orthologs averaged (default: 1:1 only, as CellTypist)
  --conf-by predicted_labels|majority_voting   label whose probability is conf_score (default predicted_labels)
  --normalize                  if the data holds raw counts, normalize to 10,000 per cell + log1p on the fly
  --no-matrices                skip decision_matrix.csv and probability_matrix.csv (cells x cell types
                               each: 1M cells x 100 types is ~2 GB of text). CellTypist users hit
                               MemoryError building these two tables on large data; here they are
                               streamed to disk, but you may not need them.
  --write-h5ad                 also write OUTDIR/[PREFIX]annotated.h5ad (a new file: the input streamed through +
                               CellTypist's obs columns, obsm['probability_matrix'], uns['celltypist'] provenance)
  --write-h5ad-light           also write OUTDIR/[PREFIX]annotated_light.h5ad (annotations only: obs + obsm + uns)
  --plot FILE.png|FILE.svg     the results figure: majority voting, predicted labels, confidence on obsm X_umap
                               (else another 2-D obsm, else a UMAP computed from the over-clustering graph)
  --colour-genes A,B           (with --plot, .h5ad input; also --color-genes) one more panel per gene: its
                               expression in X on the embedding (0 grey, colour scale clipped at the 99th percentile)
  --cell-ontology              also write OUTDIR/[PREFIX]cell_ontology.csv: cell, label (majority voting's when run),
                               its Cell Ontology ID and parent type, from the shipped cell-type encyclopedia ('' where
                               it has none). The annotated .h5ad always gets obs predicted_labels_ontology_term_id
                               (and majority_voting_ontology_term_id) when the encyclopedia describes the labels
  --variant auto|simd|simd-threads   WebAssembly build (default auto)
  --threads N                  scoring threads for the threaded build (default 2; with --variant auto, inputs
                               up to 64 MB run on the single-threaded SIMD build unless --threads is given)
  --quiet                      no progress output
`;

/** train's options (`celltypist-wasm train --help`). */
export const TRAIN_USAGE = `
train options (as celltypist.train):
  -i, --input PATH             labelled reference .h5ad (log1p-normalized to 10,000 counts in X or raw/X)
  --labels COL                 obs column with the cell types
  -o, --out PATH               model file to write (.pkl, loadable by CellTypist and scikit-learn)
  --feature-selection          two-pass training keeping each type's top genes (default off)
  --top-genes N                genes per cell type with --feature-selection (default 300)
  --use-sgd                    SGD logistic regression instead of L-BFGS
  --mini-batch                 mini-batch SGD (with --use-sgd); --batch-size 1000 --batch-number 100 --epochs 10
  --balance-cell-type          balance cell types in mini-batches
  --no-mean                    do not center genes when scaling (CellTypist's with_mean=False)
  --C C                        inverse L2 strength of logistic regression (default 1)
  --max-iter N                 iterations (default 1000 / 500 / 200 by number of cells)
  --seed N                     random seed of SGD's shuffling (scikit-learn's random_state; default 0)
  --details TEXT  --version V  --source S  --url U   description stored in the model
  --gene-column COL  --normalize  --threads N  --variant auto|simd|simd-threads  --quiet
`;

/** compare's options (`celltypist-wasm compare --help`). */
export const COMPARE_USAGE = `
compare options:
  -i, --input PATH             query data (.h5ad, Cell Ranger .h5 or folder, count table, .mtx)
  -m, --model PATH|NAME        a model; give two or more
  -o, --outdir DIR             write labels.csv (cell × model), agreement.csv (model × model share of cells
                               with the same label), crosstab_A__B.csv for each pair (default: print the first
                               two models' cross-tab; -o FILE.csv writes only that cross-tab, as before)
  --majority-voting [--over-clustering KEY] [--min-prop P]   also each model's majority voting
                               (labels.csv gains MODEL_majority_voting columns; agreement_majority_voting.csv)
  --mode best_match|prob_match  --p-thres P  --gene-column COL  --normalize  --variant V  --threads N  --quiet
  --model-mirror DIR|URL       catalog models from a mirror first (as annotate)
  input formats and species as for annotate: --transpose-input  --gene-file F  --cell-file F
                               --gene-map F  --no-convert  --all-orthologs  --seed N
`;

/** dotplot's options (`celltypist-wasm dotplot --help`). */
export const DOTPLOT_USAGE = `
dotplot options (scanpy's sc.pl.dotplot values):
  -i, --input PATH             .h5ad (an annotated one from annotate --write-h5ad has predicted_labels, majority_voting)
  --groupby COL                obs column whose values are the groups (categories in order, else sorted)
  --genes A,B,C                genes to plot, in order (unknown ones are named and skipped)
  -m, --model PATH|NAME        without --genes: each cell type's top markers (extract_top_markers), for the
                               types present among the groups (else all types)
  --top N                      markers per cell type with --model (default 2)
  --standard-scale var|group|none   scale the mean per gene (default var, as CellTypist's tutorial) or group
  --use-raw                    read raw/X instead of X
  --gene-column COL            var column holding the gene names (default: the var index)
  --table OUT.csv              long table: group,gene,fraction,mean_expression (mean after scaling)
  --out OUT.svg|OUT.png        the figure (PNG drawn at --scale 2 pixels per unit, no browser needed)
  --title TEXT  --scale N  --quiet
  --model-mirror DIR|URL       catalog models from a mirror first (as annotate)
  Without --table and --out the table is printed.
`;

/** The usage text of one command (`celltypist-wasm COMMAND --help`). */
export function commandUsage(command: string): string {
  if (command === 'train') return `usage: celltypist-wasm train -i REF.h5ad --labels OBS_COL -o MODEL.pkl [train options]\n${TRAIN_USAGE}`;
  if (command === 'dotplot') return `usage: celltypist-wasm dotplot -i DATA.h5ad --groupby COL --genes A,B,C | -m MODEL [options]\n${DOTPLOT_USAGE}`;
  if (command === 'compare') return `usage: celltypist-wasm compare -i DATA.h5ad -m A.pkl -m B.pkl [-m ...] [-o OUTDIR] [options]\n${COMPARE_USAGE}`;
  return USAGE;
}

/** Every command's usage (`celltypist-wasm --help`). */
export const FULL_USAGE = USAGE + TRAIN_USAGE + DOTPLOT_USAGE + COMPARE_USAGE;
