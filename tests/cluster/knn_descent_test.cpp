#include "cluster/knn_descent.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include "support/synthetic.hpp"

namespace ct::cluster {
namespace {

using ct::testing::clustered_points;

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
