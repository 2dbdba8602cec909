#include "cluster/knn.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/synthetic.hpp"

namespace ct::cluster {
namespace {

using ct::testing::clustered_points;

/// The documented summation order, one float at a time.
float reference_squared_distance(const float* a, const float* b, std::size_t dim) {
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::size_t d = 0;
    for (; d + 8 <= dim; d += 8)
        for (std::size_t j = 0; j < 8; ++j) s[j] += (a[d + j] - b[d + j]) * (a[d + j] - b[d + j]);
    for (; d < dim; ++d) s[0] += (a[d] - b[d]) * (a[d] - b[d]);
    return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

TEST(SquaredDistance, SumsEightLanesInTheDocumentedOrderForAnyLength) {
    const auto p = clustered_points(2, 70, 9);
    for (std::size_t dim = 0; dim <= 70; ++dim) {
        const float want = reference_squared_distance(p.data(), p.data() + 70, dim);
        EXPECT_EQ(squared_distance(p.data(), p.data() + 70, dim), want) << dim;
    }
}

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
