#include "cluster/umap_layout.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "cluster/knn.hpp"
#include "cluster/silhouette.hpp"
#include "support/synthetic.hpp"

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

TEST(UmapLayout, ValidatesTheInitialLayoutAndOrder) {
    EXPECT_THROW(umap_layout(two_cliques(), std::vector<float>(3, 0.0f)), std::invalid_argument);
    UmapOptions o;
    o.order.assign(60, 0);  // not a permutation
    EXPECT_THROW(umap_layout(two_cliques(), {}, o), std::invalid_argument);
}

/// 3,000 points around 20 centres (group i % 20), their UMAP graph, and the groups.
struct Blobs {
    WeightedGraph graph;
    std::vector<std::int32_t> groups, by_group;
    std::vector<float> init;
};

Blobs blobs() {
    const std::size_t n = 3000, dim = 10;
    const auto p = ct::testing::clustered_points(n, dim, 4);
    Blobs b;
    b.graph = fuzzy_connectivities(knn_exact(PointsView{p.data(), n, dim}, 10, 2));
    for (std::size_t i = 0; i < n; ++i) {
        b.groups.push_back(static_cast<std::int32_t>(i % 20));
        b.init.push_back(p[i * dim]), b.init.push_back(p[i * dim + 1]);
    }
    for (std::int32_t g = 0; g < 20; ++g)
        for (std::size_t i = static_cast<std::size_t>(g); i < n; i += 20)
            b.by_group.push_back(static_cast<std::int32_t>(i));
    return b;
}

TEST(UmapLayout, BlocksInParallelGiveTheSameLayoutForAnyThreadCount) {
    const Blobs b = blobs();
    UmapOptions o;
    o.n_epochs = 100;
    o.order = b.by_group;
    o.block_size = 256;  // 12 blocks
    o.seed = 9;
    const auto one = umap_layout(b.graph, b.init, o);
    for (const std::size_t threads : {2, 3, 5}) {
        o.n_threads = threads;
        EXPECT_EQ(one, umap_layout(b.graph, b.init, o)) << threads << " threads";
    }
    o.seed = 10;
    EXPECT_NE(one, umap_layout(b.graph, b.init, o));
}

TEST(UmapLayout, BlocksSeparateGroupsAsWellAsTheSerialLoop) {
    // One block is umap's serial loop; blocks of cells sorted by group must separate the
    // groups as well (silhouette by group within 0.02), also in a random-like index order.
    const Blobs b = blobs();
    UmapOptions o;
    o.n_epochs = 200;
    o.order = b.by_group;
    o.block_size = 3000;
    const double serial = silhouette(umap_layout(b.graph, b.init, o), 2, b.groups);
    o.block_size = 256;
    o.n_threads = 2;
    const double blocked = silhouette(umap_layout(b.graph, b.init, o), 2, b.groups);
    o.order.clear();  // index order: groups interleaved, nearly every edge crosses blocks
    const double crossing = silhouette(umap_layout(b.graph, b.init, o), 2, b.groups);
    std::printf(
        "[umap] silhouette by group: serial %.4f, blocks by group %.4f, blocks in index order "
        "%.4f\n",
        serial, blocked, crossing);
    EXPECT_GT(serial, 0.5);
    EXPECT_GT(blocked, serial - 0.02);
    EXPECT_GT(crossing, serial - 0.1);
}

}  // namespace
}  // namespace ct::cluster

TEST(UmapLayout, DefaultEpochsFollowUmapAndShortenAbove100kCells) {
    EXPECT_EQ(ct::cluster::default_epochs(10000), 500u);
    EXPECT_EQ(ct::cluster::default_epochs(10001), 200u);
    EXPECT_EQ(ct::cluster::default_epochs(100000), 200u);
    EXPECT_EQ(ct::cluster::default_epochs(100001), 150u);
}
