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
    const double recall = knn_recall(one, exact);
    std::printf("[knn] NN-descent recall on %zu points: %.4f\n", n, recall);
    EXPECT_GT(recall, 0.97);
    EXPECT_EQ(one.indices, two.indices);  // thread count does not change the result
    for (std::size_t i = 0; i < n; ++i)
        EXPECT_EQ(one.indices[i * 10], static_cast<std::int32_t>(i));
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
