#pragma once
/// @file fuzzy_graph.hpp
/// UMAP's fuzzy simplicial set of a kNN graph (umap-learn 0.5's `fuzzy_simplicial_set` with
/// local_connectivity 1 and set_op_mix_ratio 1), the `connectivities` scanpy's
/// `neighbors(method="umap")` stores and CellTypist clusters on.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "cluster/knn.hpp"

namespace ct::cluster {

/// A symmetric weighted graph in CSR form (both directions stored, no self-loops).
struct WeightedGraph {
    std::size_t n = 0;
    std::vector<std::int64_t> indptr{0};
    std::vector<std::int32_t> indices;
    std::vector<double> weights;

    std::size_t n_edges() const { return indices.size(); }
};

/// Per-cell rho (distance to the nearest neighbour) and sigma (bandwidth) such that the
/// memberships sum to log2(k), by umap's `smooth_knn_dist` (64 bisection steps, float32).
void smooth_knn_dist(const KnnGraph& knn, std::vector<float>& sigma, std::vector<float>& rho);

/// Memberships exp(-(d - rho) / sigma), symmetrized by fuzzy union A + A^T - A * A^T.
WeightedGraph fuzzy_connectivities(const KnnGraph& knn);

/// Builds a symmetric graph from any CSR adjacency (e.g. a file's obsp/connectivities):
/// keeps off-diagonal positive entries, sums duplicates, and checks symmetry loosely.
/// @throws std::invalid_argument for malformed input.
WeightedGraph graph_from_csr(std::size_t n, const std::int64_t* indptr, const std::int32_t* indices,
                             const double* weights);

}  // namespace ct::cluster
