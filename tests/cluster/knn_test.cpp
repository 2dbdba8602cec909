#include "cluster/knn.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/synthetic.hpp"

namespace ct::cluster {
namespace {

using ct::testing::clustered_points;

TEST(KnnExact, MatchesNaiveSearchWithSelfFirst) {
    const std::size_t n = 400, dim = 8, k = 6;
    const auto p = clustered_points(n, dim, 1);
    const PointsView v{p.data(), n, dim};
    const KnnGraph g = knn_exact(v, k, 2);
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::pair<float, std::int32_t>> all;
        for (std::size_t j = 0; j < n; ++j)
            if (j != i)
                all.emplace_back(euclidean(v.row(i), v.row(j), dim), static_cast<std::int32_t>(j));
        std::sort(all.begin(), all.end());
        ASSERT_EQ(g.indices[i * k], static_cast<std::int32_t>(i));
        EXPECT_EQ(g.distances[i * k], 0.0f);
        for (std::size_t j = 1; j < k; ++j) {
            EXPECT_EQ(g.indices[i * k + j], all[j - 1].second);
            EXPECT_NEAR(g.distances[i * k + j], all[j - 1].first, 1e-5);
        }
    }
}

TEST(FindNeighbors, UsesExactSearchForSmallData) {
    const auto p = clustered_points(300, 5, 3);
    const PointsView v{p.data(), 300, 5};
    KnnOptions o;
    EXPECT_EQ(find_neighbors(v, o).indices, knn_exact(v, 10).indices);
    EXPECT_DOUBLE_EQ(knn_recall(knn_exact(v, 10), knn_exact(v, 10)), 1.0);
    EXPECT_THROW(find_neighbors(PointsView{p.data(), 1, 5}, o), std::invalid_argument);
}

}  // namespace
}  // namespace ct::cluster
