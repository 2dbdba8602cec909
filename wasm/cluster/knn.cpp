#include "cluster/knn.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "cluster/float4.hpp"
#include "cluster/knn_descent.hpp"
#include "parallel/parallel_for.hpp"

namespace ct::cluster {

namespace {
using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRowMap = Eigen::Map<const RowMat>;
}  // namespace

float squared_distance(const float* a, const float* b, std::size_t dim) {
    // Explicit vectors, since clang's wasm auto-vectorizer left this loop scalar.
    return fixed_order_sum(a, b, dim, [](auto x, auto y) {
        const auto t = x - y;
        return t * t;
    });
}

float euclidean(const float* a, const float* b, std::size_t dim) {
    return std::sqrt(squared_distance(a, b, dim));
}

KnnGraph knn_exact(const PointsView& points, std::size_t k, std::size_t n_threads) {
    const std::size_t n = points.n;
    if (n < 2) throw std::invalid_argument("a neighbour graph needs at least 2 cells");
    k = std::min(k, n);
    KnnGraph g;
    g.n = n;
    g.k = k;
    g.indices.resize(n * k);
    g.distances.resize(n * k);
    const ConstRowMap all(points.data, static_cast<Eigen::Index>(n),
                          static_cast<Eigen::Index>(points.dim));
    const Eigen::VectorXf norms = all.rowwise().squaredNorm();
    constexpr std::size_t kBlock = 256;
    const std::size_t n_blocks = (n + kBlock - 1) / kBlock;
    parallel::parallel_for(n_blocks, n_threads, [&](std::size_t b0, std::size_t b1, std::size_t) {
        RowMat d2;
        std::vector<std::int32_t> order(n);
        std::vector<std::pair<float, std::int32_t>> best;
        for (std::size_t b = b0; b < b1; ++b) {
            const std::size_t lo = b * kBlock, hi = std::min(n, lo + kBlock);
            const auto rows = static_cast<Eigen::Index>(hi - lo);
            d2.noalias() =
                -2.0f * all.middleRows(static_cast<Eigen::Index>(lo), rows) * all.transpose();
            for (std::size_t i = lo; i < hi; ++i) {
                auto row = d2.row(static_cast<Eigen::Index>(i - lo));
                row += norms.transpose();
                row(static_cast<Eigen::Index>(i)) =
                    -std::numeric_limits<float>::infinity();  // self first
                std::iota(order.begin(), order.end(), 0);
                // Over-select a little so the exact refinement below can reorder near-ties.
                const std::size_t m = std::min(n, k + 4);
                std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(m - 1),
                                 order.end(), [&](std::int32_t a, std::int32_t c) {
                                     return row(a) < row(c) || (row(a) == row(c) && a < c);
                                 });
                best.clear();
                for (std::size_t j = 0; j < m; ++j) {
                    const std::int32_t c = order[j];
                    const float d =
                        c == static_cast<std::int32_t>(i)
                            ? -1.0f
                            : euclidean(points.row(i), points.row(static_cast<std::size_t>(c)),
                                        points.dim);
                    best.emplace_back(d, c);
                }
                std::sort(best.begin(), best.end());
                for (std::size_t j = 0; j < k; ++j) {
                    g.indices[i * k + j] = best[j].second;
                    g.distances[i * k + j] = std::max(best[j].first, 0.0f);
                }
            }
        }
    });
    return g;
}

KnnGraph find_neighbors(const PointsView& points, const KnnOptions& options) {
    if (points.n < 2) throw std::invalid_argument("a neighbour graph needs at least 2 cells");
    if (points.n < options.exact_below) return knn_exact(points, options.k, options.n_threads);
    DescentOptions d;
    d.k = options.k;
    d.seed = options.seed;
    d.n_threads = options.n_threads;
    return knn_descent(points, d);
}

double knn_recall(const KnnGraph& approx, const KnnGraph& exact) {
    if (approx.n != exact.n || approx.k != exact.k || exact.n == 0) return 0.0;
    std::size_t hit = 0;
    for (std::size_t i = 0; i < exact.n; ++i) {
        const auto* e = &exact.indices[i * exact.k];
        const auto* a = &approx.indices[i * approx.k];
        for (std::size_t j = 0; j < exact.k; ++j) {
            if (std::find(a, a + approx.k, e[j]) != a + approx.k) ++hit;
        }
    }
    return static_cast<double>(hit) / static_cast<double>(exact.n * exact.k);
}

}  // namespace ct::cluster
