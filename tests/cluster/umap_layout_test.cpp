#include "cluster/umap_layout.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace ct::cluster {
namespace {

/// Two cliques of 30 nodes, not connected to each other.
WeightedGraph two_cliques() {
    WeightedGraph g;
    g.n = 60;
    g.indptr = {0};
    for (std::size_t i = 0; i < 60; ++i) {
        const std::size_t base = i < 30 ? 0 : 30;
        for (std::size_t j = base; j < base + 30; ++j) {
            if (j == i) continue;
            g.indices.push_back(static_cast<std::int32_t>(j));
            g.weights.push_back(1.0);
        }
        g.indptr.push_back(static_cast<std::int64_t>(g.indices.size()));
    }
    return g;
}

TEST(UmapLayout, SeparatesDisconnectedGroupsAndIsSeeded) {
    const WeightedGraph g = two_cliques();
    UmapOptions o;
    o.n_epochs = 200;
    const auto y = umap_layout(g, {}, o);
    ASSERT_EQ(y.size(), 120u);
    for (const float v : y) ASSERT_TRUE(std::isfinite(v));
    double c[2][2] = {{0, 0}, {0, 0}};
    for (std::size_t i = 0; i < 60; ++i)
        c[i / 30][0] += y[i * 2] / 30, c[i / 30][1] += y[i * 2 + 1] / 30;
    double spread = 0;
    for (std::size_t i = 0; i < 60; ++i)
        spread = std::max(spread, std::hypot(y[i * 2] - c[i / 30][0], y[i * 2 + 1] - c[i / 30][1]));
    EXPECT_GT(std::hypot(c[0][0] - c[1][0], c[0][1] - c[1][1]), 2 * spread);
    EXPECT_EQ(y, umap_layout(g, {}, o));
}

TEST(UmapLayout, ValidatesTheInitialLayout) {
    EXPECT_THROW(umap_layout(two_cliques(), std::vector<float>(3, 0.0f)), std::invalid_argument);
}

}  // namespace
}  // namespace ct::cluster
