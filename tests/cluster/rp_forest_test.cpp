#include "cluster/rp_forest.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/synthetic.hpp"

namespace ct::cluster {
namespace {

using ct::testing::clustered_points;

TEST(RpTree, LeavesPartitionTheCellsWithinTheLeafSize) {
    const std::size_t n = 5000, dim = 12;
    const auto p = clustered_points(n, dim, 3);
    const RpLeaves t = rp_tree_leaves(PointsView{p.data(), n, dim}, 30, 11);
    ASSERT_EQ(t.cells.size(), n);
    ASSERT_EQ(t.leaf_start.front(), 0);
    ASSERT_EQ(t.leaf_start.back(), static_cast<std::int64_t>(n));
    for (std::size_t l = 0; l < t.n_leaves(); ++l) {
        const auto size = t.leaf_start[l + 1] - t.leaf_start[l];
        EXPECT_GE(size, 1);
        EXPECT_LE(size, 30);
    }
    auto sorted = t.cells;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(sorted[i], static_cast<std::int32_t>(i));
}

TEST(RpTree, LeavesHoldNearbyCells) {
    // 20 well-separated groups (cell i in group i % 20): most leaves are one group (random leaves of 30 never are).
    const std::size_t n = 4000, dim = 10;
    const auto p = clustered_points(n, dim, 4);
    const RpLeaves t = rp_tree_leaves(PointsView{p.data(), n, dim}, 30, 5);
    std::size_t pure = 0;
    for (std::size_t l = 0; l < t.n_leaves(); ++l) {
        bool same = true;
        for (auto q = t.leaf_start[l]; q < t.leaf_start[l + 1]; ++q)
            same = same && t.cells[static_cast<std::size_t>(q)] % 20 ==
                               t.cells[static_cast<std::size_t>(t.leaf_start[l])] % 20;
        pure += same;
    }
    EXPECT_GT(static_cast<double>(pure) / static_cast<double>(t.n_leaves()), 0.8);  // 0.88
}

TEST(RpTree, SplitsIdenticalPointsAtRandomWithoutLooping) {
    const std::size_t n = 500, dim = 4;
    const std::vector<float> p(n * dim, 1.5f);
    const RpLeaves t = rp_tree_leaves(PointsView{p.data(), n, dim}, 16, 1);
    EXPECT_EQ(t.cells.size(), n);
    for (std::size_t l = 0; l < t.n_leaves(); ++l)
        EXPECT_LE(t.leaf_start[l + 1] - t.leaf_start[l], 16);
    EXPECT_THROW(rp_tree_leaves(PointsView{p.data(), n, dim}, 1, 1), std::invalid_argument);
}

TEST(RpForest, EachTreeDependsOnItsSeedAloneNotOnTheThreadCount) {
    const std::size_t n = 3000, dim = 8;
    const auto p = clustered_points(n, dim, 6);
    const PointsView v{p.data(), n, dim};
    const std::vector<std::uint64_t> seeds{1, 2, 3, 4, 5};
    const auto one = rp_forest(v, seeds, 20, 1);
    const auto three = rp_forest(v, seeds, 20, 3);
    ASSERT_EQ(one.size(), 5u);
    for (std::size_t t = 0; t < seeds.size(); ++t) {
        const RpLeaves alone = rp_tree_leaves(v, 20, seeds[t]);
        EXPECT_EQ(one[t].cells, alone.cells);
        EXPECT_EQ(one[t].leaf_start, alone.leaf_start);
        EXPECT_EQ(three[t].cells, alone.cells);
    }
    EXPECT_NE(one[0].cells, one[1].cells);
}

TEST(DotProduct, SumsInAFixedOrder) {
    std::vector<float> a(37), b(37);
    double exact = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        a[i] = 0.1f * static_cast<float>(i) - 1.0f;
        b[i] = 1.0f / (1.0f + static_cast<float>(i));
        exact += static_cast<double>(a[i]) * b[i];
    }
    EXPECT_NEAR(dot_product(a.data(), b.data(), a.size()), exact, 1e-5);
    EXPECT_EQ(dot_product(a.data(), b.data(), 0), 0.0f);
}

}  // namespace
}  // namespace ct::cluster
