// The layout of a kept over-clustering graph is exactly the layout the over-clustering computes
// itself (any thread count), from each of its three entry points; nothing is kept unless asked.
#include "cluster/kept_layout.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "cluster/over_cluster.hpp"
#include "support/synthetic.hpp"

namespace ct::cluster {
namespace {

std::vector<std::vector<float>> rows_of(const std::vector<float>& p, std::size_t n,
                                        std::size_t dim) {
    std::vector<std::vector<float>> rows(n, std::vector<float>(dim));
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t d = 0; d < dim; ++d) rows[i][d] = std::max(0.0f, p[i * dim + d]);
    return rows;
}

OverClusterOptions small_options() {
    OverClusterOptions o;
    o.n_pcs = 10;
    o.n_epochs = 40;
    o.seed = 3;
    return o;
}

TEST(KeptLayout, ExpressionPipelineKeepsTheGraphOfItsOwnLayout) {
    // > 8,192 cells: NN-descent and several layout blocks, as in real runs.
    const std::size_t n = 9000, dim = 30;
    const auto rows = rows_of(ct::testing::clustered_points(n, dim, 5), n, dim);
    auto o = small_options();
    const auto fresh = over_cluster(ct::testing::sparse_from_dense(rows), o);
    ASSERT_EQ(fresh.kept, nullptr);  // not kept unless asked
    o.layout = false;
    o.keep_graph = true;
    const auto voting = over_cluster(ct::testing::sparse_from_dense(rows), o);
    ASSERT_NE(voting.kept, nullptr);
    EXPECT_TRUE(voting.layout.empty());
    EXPECT_EQ(voting.clusters, fresh.clusters);
    EXPECT_EQ(voting.kept->graph.n, n);
    EXPECT_EQ(voting.kept->init.size(), n * 2);
    EXPECT_EQ(layout_kept_graph(*voting.kept, 1), fresh.layout);
    EXPECT_EQ(layout_kept_graph(*voting.kept, 2), fresh.layout);
}

TEST(KeptLayout, GivenPrincipalComponentsAndGivenGraph) {
    const std::size_t n = 600, dim = 12;
    const auto pcs = ct::testing::clustered_points(n, dim, 9);
    auto o = small_options();
    const auto fresh = over_cluster_points(pcs.data(), n, dim, o);
    o.layout = false;
    o.keep_graph = true;
    const auto kept = over_cluster_points(pcs.data(), n, dim, o);
    ASSERT_NE(kept.kept, nullptr);
    EXPECT_EQ(layout_kept_graph(*kept.kept), fresh.layout);

    // A file's own graph (e.g. obsp connectivities), with and without a layout start.
    const WeightedGraph graph = kept.kept->graph;
    for (const bool with_init : {true, false}) {
        std::vector<float> init;
        if (with_init) init.assign(kept.kept->init.begin(), kept.kept->init.end());
        auto g = small_options();
        const auto direct = over_cluster_graph(graph, init, g);
        g.layout = false;
        g.keep_graph = true;
        const auto later = over_cluster_graph(graph, init, g);
        ASSERT_NE(later.kept, nullptr);
        EXPECT_EQ(later.kept->init.empty(), !with_init);
        EXPECT_EQ(layout_kept_graph(*later.kept, 2), direct.layout);
    }
}

TEST(KeptLayout, RefusesInconsistentGraphs) {
    KeptGraph empty;
    EXPECT_THROW(layout_kept_graph(empty), std::invalid_argument);
    const std::size_t n = 300, dim = 5;
    const auto pcs = ct::testing::clustered_points(n, dim, 1);
    auto o = small_options();
    o.layout = false;
    o.keep_graph = true;
    const auto r = over_cluster_points(pcs.data(), n, dim, o);
    KeptGraph bad = *r.kept;
    bad.clusters.pop_back();
    EXPECT_THROW(layout_kept_graph(bad), std::invalid_argument);
    bad = *r.kept;
    bad.init.resize(3);
    EXPECT_THROW(layout_kept_graph(bad), std::invalid_argument);
}

}  // namespace
}  // namespace ct::cluster
