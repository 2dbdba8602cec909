#pragma once
/// @file over_cluster.hpp
/// CellTypist 1.7.1's automatic over-clustering for majority voting, step by step as in
/// `Classifier.over_cluster`: genes expressed in >= 5 cells, seurat highly variable genes
/// (top min(2500, genes)), scaling clipped at 10, PCA 50, 10-nearest-neighbour UMAP
/// connectivities, Leiden at a resolution chosen by the number of cells. When the data
/// already has a neighbour graph, Leiden runs on it directly (CellTypist does the same).
/// Optionally a 2-D UMAP layout of the same graph, for files without an embedding.
///
/// The data is streamed twice: pass 1 (GeneStats) over all genes picks the genes, pass 2
/// keeps only those genes' nonzeros (SubsetBuilder); nothing cells x genes is dense.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cluster/fuzzy_graph.hpp"
#include "cluster/gene_stats.hpp"
#include "cluster/kept_layout.hpp"
#include "cluster/sparse_rows.hpp"

namespace ct::cluster {

struct OverClusterOptions {
    std::int64_t min_cells = 5;      ///< filter_genes(min_cells)
    std::size_t n_top_genes = 2500;  ///< highly variable genes (capped by the genes left)
    double max_value = 10.0;         ///< scale clip
    std::size_t n_pcs = 50;
    std::size_t n_neighbors = 10;
    /// Leiden resolution; 0 = CellTypist's rule (default_resolution).
    double resolution = 0.0;
    int n_iterations = 2;
    /// igraph's beta as scanpy passes it (0.01). scanpy builds its igraph graph with every
    /// undirected edge twice, which doubles all gains; we halve beta to keep the same
    /// refinement randomness on single edges.
    double beta = 0.01;
    bool layout = true;  ///< also compute a 2-D UMAP layout
    /// Layout epochs; 0 = default_epochs (umap_layout.hpp: umap's 500 up to 10,000 cells, else
    /// 200; 150 above 100,000). Tests use fewer.
    std::size_t n_epochs = 0;
    std::uint64_t seed = 0;
    std::size_t n_threads = 1;
    /// Keep the graph (OverClusterResult::kept) for a later layout_kept_graph: the app's
    /// majority-voting run keeps it so that its UMAP afterwards costs only the layout.
    bool keep_graph = false;
};

/// CellTypist's resolution: 5, 10, 15, 20, 25, 30 for < 5k, < 20k, < 40k, < 100k, < 200k, more
/// cells.
double default_resolution(std::size_t n_cells);

/// Called between steps: step name ("genes", "pca", "neighbors", "leiden", "layout") and
/// overall fraction done in [0, 1].
using Progress = std::function<void(const std::string& step, double fraction)>;

/// Genes for the clustering (pass 1 result): filter then highly variable, ascending indices
/// into the full gene list. Empty when no gene passes (the caller explains).
std::vector<std::int32_t> select_genes(const GeneStats& stats,
                                       const OverClusterOptions& options = {});

/// Pass 2: collects the selected genes' nonzeros of each chunk (rows appended in order).
class SubsetBuilder {
  public:
    SubsetBuilder(std::size_t n_genes, const std::vector<std::int32_t>& genes);
    void add(const float* data, const std::int32_t* indices, const std::int64_t* indptr,
             std::size_t n_rows);
    /// The collected matrix (cells x selected genes); the builder is left empty.
    SparseRows take();

  private:
    std::vector<std::int32_t> slot_;  ///< full gene -> selected column, or -1
    SparseRows m_;
};

struct OverClusterResult {
    std::vector<std::int32_t> clusters;  ///< per cell, 0.. by decreasing size
    std::size_t n_clusters = 0;
    double resolution = 0.0;
    std::vector<float> layout;  ///< n x 2 when requested
    std::vector<float> pcs;     ///< n x n_pcs (empty when clustering a given graph)
    std::size_t n_pcs = 0;
    std::shared_ptr<const KeptGraph> kept;  ///< when options.keep_graph
};

/// Runs scale -> PCA -> kNN -> connectivities -> Leiden (-> layout) on the selected genes.
OverClusterResult over_cluster(SparseRows selected, const OverClusterOptions& options = {},
                               const Progress& progress = {});

/// kNN -> connectivities -> Leiden (-> layout) on given principal components (row-major
/// n x dims, e.g. a file's obsm X_pca; CellTypist then skips HVG and PCA). The first
/// min(dims, n_pcs) columns are used, as scanpy's `neighbors(n_pcs=50)`.
OverClusterResult over_cluster_points(const float* pcs, std::size_t n, std::size_t dims,
                                      const OverClusterOptions& options = {},
                                      const Progress& progress = {});

/// Leiden (-> layout) on an existing neighbour graph. `init` (n x 2, optional) starts the layout.
OverClusterResult over_cluster_graph(const WeightedGraph& graph, const std::vector<float>& init,
                                     const OverClusterOptions& options = {},
                                     const Progress& progress = {});

}  // namespace ct::cluster
