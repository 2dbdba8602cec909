#include "cluster/knn_descent.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

namespace ct::cluster {
namespace {

std::vector<float> clustered_points(std::size_t n, std::size_t dim, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    std::vector<float> centers(20 * dim);
    for (auto& c : centers) c = 5.0f * nd(rng);
    std::vector<float> p(n * dim);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t d = 0; d < dim; ++d)
            p[i * dim + d] = centers[(i % 20) * dim + d] + nd(rng);
    return p;
}

TEST(KnnDescent, FindsNearlyAllTrueNeighboursDeterministically) {
    const std::size_t n = 6000, dim = 20;
    const auto p = clustered_points(n, dim, 2);
    const PointsView v{p.data(), n, dim};
    const KnnGraph exact = knn_exact(v, 10, 2);
    DescentOptions o;
    o.seed = 5;
    const KnnGraph one = knn_descent(v, o);
    o.n_threads = 2;
    const KnnGraph two = knn_descent(v, o);
    const double recall = knn_recall(one, exact);
    std::printf("[knn] NN-descent recall on %zu points: %.4f\n", n, recall);
    EXPECT_GT(recall, 0.97);
    EXPECT_EQ(one.indices, two.indices);  // thread count does not change the result
    for (std::size_t i = 0; i < n; ++i)
        EXPECT_EQ(one.indices[i * 10], static_cast<std::int32_t>(i));
}

}  // namespace
}  // namespace ct::cluster
