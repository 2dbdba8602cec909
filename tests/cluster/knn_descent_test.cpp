#include "cluster/knn_descent.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include "cluster/over_cluster.hpp"
#include "cluster/pca.hpp"
#include "cluster/scale.hpp"
#include "support/fixtures.hpp"
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
    o.n_threads = 3;
    const KnnGraph three = knn_descent(v, o);
    const double recall = knn_recall(one, exact);
    std::printf("[knn] NN-descent recall on %zu points: %.4f\n", n, recall);
    EXPECT_GT(recall, 0.97);
    EXPECT_EQ(one.indices, two.indices);  // thread count does not change the result
    EXPECT_EQ(one.distances, two.distances);
    EXPECT_EQ(one.indices, three.indices);
    o.seed = 6;
    EXPECT_NE(one.indices, knn_descent(v, o).indices);
    for (std::size_t i = 0; i < n; ++i)
        EXPECT_EQ(one.indices[i * 10], static_cast<std::int32_t>(i));
}

TEST(KnnDescent, TreesOnLeadingCoordinatesFindTheSameNeighbours) {
    // Large data's trees split on the first 16 coordinates (principal components: the leading
    // ones spread the most); NN-descent still compares full distances.
    const std::size_t n = 6000, dim = 40;
    const auto p = clustered_points(n, dim, 3);
    const PointsView v{p.data(), n, dim};
    const KnnGraph exact = knn_exact(v, 10, 2);
    DescentOptions o;
    o.seed = 2;
    const KnnGraph all = knn_descent(v, o);
    o.tree_dims_from = 0;  // as for >= 50,000 cells
    const KnnGraph lead = knn_descent(v, o);
    o.n_threads = 2;
    const KnnGraph lead2 = knn_descent(v, o);
    const double r_all = knn_recall(all, exact), r_lead = knn_recall(lead, exact);
    std::printf("[knn] recall with trees on all %zu coordinates %.4f, on the first %zu %.4f\n",
                dim, r_all, o.tree_dims, r_lead);
    EXPECT_NE(all.indices, lead.indices);  // the option is used
    EXPECT_EQ(lead.indices, lead2.indices);
    EXPECT_EQ(lead.distances, lead2.distances);
    EXPECT_GT(r_lead, 0.97);
    EXPECT_GT(r_lead, r_all - 0.01);
}

TEST(KnnDescent, ListsAreFullSortedAndFreeOfSelfAndRepeats) {
    // Few cells and leaves smaller than k: lists the trees leave short are filled.
    for (const std::size_t n : {11, 40, 700}) {
        const auto p = clustered_points(n, 5, 8);
        DescentOptions o;
        o.leaf_size = 2;  // raised to k internally, but trees still cut leaves below k
        o.n_trees = 2;
        const KnnGraph g = knn_descent(PointsView{p.data(), n, 5}, o);
        for (std::size_t i = 0; i < n; ++i) {
            ASSERT_EQ(g.indices[i * 10], static_cast<std::int32_t>(i));
            for (std::size_t j = 1; j < 10; ++j) {
                const auto u = g.indices[i * 10 + j];
                ASSERT_GE(u, 0) << n;
                ASSERT_LT(u, static_cast<std::int32_t>(n));
                ASSERT_NE(u, static_cast<std::int32_t>(i));
                ASSERT_LE(g.distances[i * 10 + j - 1], g.distances[i * 10 + j]);
                for (std::size_t h = 1; h < j; ++h) ASSERT_NE(g.indices[i * 10 + h], u);
            }
        }
    }
}

TEST(KnnDescent, HandlesIdenticalPoints) {
    const std::vector<float> p(300 * 3, 2.0f);
    const KnnGraph g = knn_descent(PointsView{p.data(), 300, 3});
    for (std::size_t i = 0; i < 300; ++i)
        for (std::size_t j = 1; j < 10; ++j) EXPECT_EQ(g.distances[i * 10 + j], 0.0f);
}

TEST(KnnDescent, FindsTheExactNeighboursOfTheFixturesPrincipalComponents) {
    // The over-clustering's own input: 50 PCs of the fixture query (exact search is used below
    // 8,192 cells; NN-descent must agree with it where it takes over).
    const auto h =
        ct::testing::read_h5ad(ct::testing::shared_path("fixtures/synthetic/query_1k.h5ad"));
    GeneStats stats(h.X.n_cols);
    stats.add(h.X.data.data(), h.X.indices.data(), h.X.indptr.data(), h.X.n_rows);
    SubsetBuilder builder(h.X.n_cols, select_genes(stats));
    builder.add(h.X.data.data(), h.X.indices.data(), h.X.indptr.data(), h.X.n_rows);
    const PcaResult pca = pca_sparse(scale_sparse(builder.take()));
    const PointsView v{pca.scores.data(), pca.n_rows, pca.n_components};
    DescentOptions o;
    o.n_threads = 2;
    const double recall = knn_recall(knn_descent(v, o), knn_exact(v, 10, 2));
    std::printf("[knn] NN-descent recall on the fixture's PCs: %.4f\n", recall);
    EXPECT_GE(recall, 0.97);
}

}  // namespace
}  // namespace ct::cluster
