#pragma once
/// @file knn_descent.hpp
/// Approximate kNN by NN-descent (Dong et al. 2011) started from a random-projection forest,
/// the method of pynndescent that scanpy uses for large data. Every phase runs in parallel
/// (trees, leaf joins, candidate sampling, local joins, list updates) and the result is the same
/// for any thread count and on every platform: candidates are sampled by a hash of the pair,
/// proposals are applied to each cell's list in a fixed order, ties are broken by index, and
/// distances are summed in a fixed order. The search runs on the points reordered by the first
/// tree's leaves (nearby cells at nearby addresses), then maps the lists back.

#include <cstddef>
#include <cstdint>

#include "cluster/knn.hpp"

namespace ct::cluster {

struct DescentOptions {
    std::size_t k = 10;
    /// Random-projection trees for the initial graph; 0 = pynndescent's rule
    /// min(64, 5 + round(sqrt(n) / 20)).
    std::size_t n_trees = 0;
    /// Largest leaf of a tree.
    std::size_t leaf_size = 30;
    /// Coordinates the trees split on from `tree_dims_from` cells up: the first tree_dims (0 =
    /// all). The points are principal components, whose leading ones carry the most spread, and
    /// the trees only seed NN-descent, which compares full distances: at 200,000 cells, where the
    /// trees were half of the kNN's time, splitting on the first 16 of 50 PCs costs a third of it
    /// and reads a quarter of the memory for the same recall (0.687). Below, the trees are cheap
    /// and full coordinates keep 0.005 more recall (the fixture's PCs: 0.977 against 0.967).
    std::size_t tree_dims = 16;
    std::size_t tree_dims_from = 50000;
    /// Maximum descent rounds; 0 = max(5, round(log2(n))).
    std::size_t max_iterations = 0;
    /// Candidates sampled per cell and round; 0 = 60, what umap-learn's `nearest_neighbors` passes
    /// to pynndescent (its own default is min(60, k), which finds only ~93% of the fixture's
    /// true neighbours against 97.5% with 60, for ~17% more time).
    std::size_t max_candidates = 0;
    /// Stop when a round improves fewer than delta * n * k entries.
    double delta = 0.001;
    std::uint64_t seed = 0;
    std::size_t n_threads = 1;
};

KnnGraph knn_descent(const PointsView& points, const DescentOptions& options = {});

}  // namespace ct::cluster
