#pragma once
/// @file knn.hpp
/// k-nearest-neighbour graph on the PCA scores, Euclidean distance, each cell's own index
/// first (distance 0) as scanpy stores it. Small data is searched exactly like scanpy's
/// brute-force path (< 8192 cells); larger data uses NN-descent (knn_descent.hpp), as scanpy
/// uses pynndescent there.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ct::cluster {

/// Row-major points (n x dim), not owned.
struct PointsView {
    const float* data = nullptr;
    std::size_t n = 0;
    std::size_t dim = 0;
    const float* row(std::size_t i) const { return data + i * dim; }
};

struct KnnGraph {
    std::size_t n = 0;
    std::size_t k = 0;                  ///< neighbours per cell, including itself
    std::vector<std::int32_t> indices;  ///< n x k, ascending distance, self first
    std::vector<float> distances;       ///< n x k
};

struct KnnOptions {
    /// Neighbours including the cell itself (scanpy `n_neighbors`, CellTypist 10).
    std::size_t k = 10;
    /// Exact search below this many cells (scanpy's brute-force limit).
    std::size_t exact_below = 8192;
    std::uint64_t seed = 0;
    std::size_t n_threads = 1;
};

/// Squared Euclidean distance of two dim-vectors, summed in a fixed order (same result natively
/// and in wasm).
float squared_distance(const float* a, const float* b, std::size_t dim);

/// Euclidean distance of two dim-vectors.
float euclidean(const float* a, const float* b, std::size_t dim);

/// Exact or approximate kNN by the size rule above.
/// @throws std::invalid_argument when there are fewer than 2 points.
KnnGraph find_neighbors(const PointsView& points, const KnnOptions& options = {});

/// Exact kNN by blocked brute force (distance via |a|^2 + |b|^2 - 2ab, refined exactly).
KnnGraph knn_exact(const PointsView& points, std::size_t k, std::size_t n_threads = 1);

/// Fraction of true neighbours found (recall), for tests and benchmarks.
double knn_recall(const KnnGraph& approx, const KnnGraph& exact);

}  // namespace ct::cluster
