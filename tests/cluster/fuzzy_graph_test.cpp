#include "cluster/fuzzy_graph.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace ct::cluster {
namespace {

/// 4 points on a line at 0, 1, 3, 6; k = 3 (self + 2).
KnnGraph line_graph() {
    KnnGraph g;
    g.n = 4;
    g.k = 3;
    g.indices = {0, 1, 2, 1, 0, 2, 2, 1, 0, 3, 2, 1};
    g.distances = {0, 1, 3, 0, 1, 2, 0, 2, 3, 0, 3, 5};
    return g;
}

double weight(const WeightedGraph& g, std::size_t i, std::int32_t j) {
    for (std::int64_t p = g.indptr[i]; p < g.indptr[i + 1]; ++p)
        if (g.indices[p] == j) return g.weights[p];
    return 0.0;
}

TEST(SmoothKnnDist, MembershipsSumToLog2K) {
    const KnnGraph g = line_graph();
    std::vector<float> sigma, rho;
    smooth_knn_dist(g, sigma, rho);
    EXPECT_EQ(rho, (std::vector<float>{1, 1, 2, 3}));  // nearest nonzero distance
    for (std::size_t i = 0; i < g.n; ++i) {
        double s = 0;
        for (std::size_t j = 1; j < g.k; ++j)
            s += std::exp(-std::max(0.0f, g.distances[i * 3 + j] - rho[i]) / sigma[i]);
        EXPECT_NEAR(s, std::log2(3.0), 1e-4) << i;
    }
}

TEST(FuzzyConnectivities, IsTheFuzzyUnionOfDirectedMemberships) {
    const KnnGraph g = line_graph();
    std::vector<float> sigma, rho;
    smooth_knn_dist(g, sigma, rho);
    const WeightedGraph c = fuzzy_connectivities(g);
    // 0 -> 1 is the nearest neighbour (weight 1) both ways: 1 + 1 - 1 = 1.
    EXPECT_DOUBLE_EQ(weight(c, 0, 1), 1.0);
    // 0 -> 2 (d 3, rho 1) one way, 2 -> 0 (d 3, rho 2) the other: a + b - ab.
    const double a = std::exp(-(3.0f - rho[0]) / sigma[0]),
                 b = std::exp(-(3.0f - rho[2]) / sigma[2]);
    EXPECT_NEAR(weight(c, 0, 2), a + b - a * b, 1e-6);
    // 3 -> 1 only one way.
    EXPECT_NEAR(weight(c, 1, 3), std::exp(-(5.0f - rho[3]) / sigma[3]), 1e-6);
    for (std::size_t i = 0; i < c.n; ++i) {
        EXPECT_EQ(weight(c, i, static_cast<std::int32_t>(i)), 0.0);  // no self-loops
        for (std::int64_t p = c.indptr[i]; p < c.indptr[i + 1]; ++p)
            EXPECT_DOUBLE_EQ(c.weights[p], weight(c, static_cast<std::size_t>(c.indices[p]),
                                                  static_cast<std::int32_t>(i)));
    }
}

TEST(GraphFromCsr, DropsDiagonalAndNonPositiveAndValidates) {
    const std::vector<std::int64_t> indptr = {0, 2, 4};
    const std::vector<std::int32_t> indices = {0, 1, 0, 1};
    const std::vector<double> w = {5.0, 0.5, 0.5, -1.0};
    const WeightedGraph g = graph_from_csr(2, indptr.data(), indices.data(), w.data());
    EXPECT_EQ(g.n_edges(), 2u);
    EXPECT_DOUBLE_EQ(weight(g, 0, 1), 0.5);
    const std::vector<std::int32_t> bad = {0, 7, 0, 1};
    EXPECT_THROW(graph_from_csr(2, indptr.data(), bad.data(), w.data()), std::invalid_argument);
}

}  // namespace
}  // namespace ct::cluster
