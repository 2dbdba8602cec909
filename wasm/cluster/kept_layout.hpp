#pragma once
/// @file kept_layout.hpp
/// The UMAP layout of an over-clustering's graph, computed later from the graph the
/// over-clustering kept (`OverClusterOptions::keep_graph`). The app shows a run's results
/// (with majority voting, which needs the graph) first and plots the UMAP afterwards; keeping
/// the graph makes that plot cost only the layout instead of a second file pass, PCA, kNN and
/// Leiden. The layout is exactly the one the over-clustering computes with `layout = true`.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "cluster/fuzzy_graph.hpp"

namespace ct::cluster {

/// What the layout of an over-clustering needs, kept from its run.
struct KeptGraph {
    WeightedGraph graph;
    /// n x 2 start (the first two principal components), or empty for a random start.
    std::vector<float> init;
    /// Leiden cluster per cell: the layout processes cells grouped by cluster.
    std::vector<std::int32_t> clusters;
    /// The run's seed and epoch rule (0 = umap's), so the layout is the run's own.
    std::uint64_t seed = 0;
    std::size_t n_epochs = 0;
};

/// Keeps a run's graph, layout start and clusters (moved in: no copy of the graph).
std::shared_ptr<const KeptGraph> keep_graph(WeightedGraph graph, std::vector<float> init,
                                            std::vector<std::int32_t> clusters, std::uint64_t seed,
                                            std::size_t n_epochs);

/// Row-major n x 2 UMAP layout of a kept graph; the thread count does not change it.
/// @throws std::invalid_argument for an empty graph or inconsistent sizes.
std::vector<float> layout_kept_graph(const KeptGraph& kept, std::size_t n_threads = 1);

}  // namespace ct::cluster
