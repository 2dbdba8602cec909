#include "cluster/pca.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "cluster/knn.hpp"
#include "cluster/over_cluster.hpp"
#include "support/fixtures.hpp"

namespace ct::cluster {
namespace {

/// A sparse matrix with a few strong directions plus noise, and its dense copy.
SparseRows make_matrix(std::size_t n, std::size_t g, Eigen::MatrixXd& dense, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> nd(0.0, 1.0);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    dense = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(g));
    SparseRows m;
    m.n_rows = n;
    m.n_cols = g;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t group = i % 4;
        for (std::size_t j = 0; j < g; ++j) {
            const bool on = u(rng) < (j % 4 == group ? 0.7 : 0.15);
            if (!on) continue;
            const float v = static_cast<float>(std::fabs(1.0 + nd(rng)));
            dense(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v;
            m.data.push_back(v);
            m.indices.push_back(static_cast<std::int32_t>(j));
        }
        m.indptr.push_back(static_cast<std::int64_t>(m.data.size()));
    }
    return m;
}

TEST(PcaSparse, MatchesDenseSvdOfTheScaledMatrix) {
    Eigen::MatrixXd raw;
    auto sparse = make_matrix(300, 80, raw, 7);
    const ScaledMatrix s = scale_sparse(std::move(sparse));
    // Dense scaled + centered copy, the matrix sklearn's PCA decomposes.
    Eigen::MatrixXd y(raw.rows(), raw.cols());
    for (Eigen::Index i = 0; i < y.rows(); ++i)
        for (Eigen::Index j = 0; j < y.cols(); ++j)
            y(i, j) = s.zero_value[static_cast<std::size_t>(j)];
    for (std::size_t i = 0; i < s.offsets.n_rows; ++i)
        for (std::int64_t p = s.offsets.indptr[i]; p < s.offsets.indptr[i + 1]; ++p)
            y(static_cast<Eigen::Index>(i), s.offsets.indices[p]) += s.offsets.data[p];
    y.rowwise() -= y.colwise().mean();
    Eigen::JacobiSVD<Eigen::MatrixXd> svd(y, Eigen::ComputeThinU);

    PcaOptions o;
    o.n_components = 10;
    const PcaResult r = pca_sparse(s, o);
    ASSERT_EQ(r.n_components, 10u);
    for (std::size_t c = 0; c < 10; ++c) {
        EXPECT_NEAR(r.singular_values[c], svd.singularValues()(static_cast<Eigen::Index>(c)),
                    1e-3 * svd.singularValues()(0));
        // Scores equal U * S up to sign.
        double dot = 0, na = 0, nb = 0;
        for (std::size_t i = 0; i < r.n_rows; ++i) {
            const double a = r.scores[i * 10 + c];
            const double b =
                svd.matrixU()(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) *
                svd.singularValues()(static_cast<Eigen::Index>(c));
            dot += a * b, na += a * a, nb += b * b;
        }
        EXPECT_GT(std::fabs(dot) / std::sqrt(na * nb), 0.999) << "component " << c;
    }
}

TEST(PcaSparse, ClampsComponentsAndIsIdenticalForAnyThreadCount) {
    Eigen::MatrixXd raw;
    const ScaledMatrix s = scale_sparse(make_matrix(40, 6, raw, 3));
    PcaOptions o;  // 50 requested, 6 genes: 5 components
    const PcaResult one = pca_sparse(s, o);
    EXPECT_EQ(one.n_components, 5u);
    o.n_threads = 2;
    const PcaResult two = pca_sparse(s, o);
    EXPECT_EQ(one.scores, two.scores);  // bit for bit: fixed row chunks, not per-thread sums
    Eigen::MatrixXd raw_big;
    const ScaledMatrix big = scale_sparse(make_matrix(3000, 40, raw_big, 5));
    o.n_components = 10;
    o.n_threads = 1;
    const PcaResult a = pca_sparse(big, o);
    o.n_threads = 3;
    EXPECT_EQ(a.scores, pca_sparse(big, o).scores);
}

/// The fixture query's scaled highly variable genes, as the over-clustering builds them.
ScaledMatrix fixture_matrix(const std::string& file) {
    const auto h = ct::testing::read_h5ad(ct::testing::shared_path(file));
    GeneStats stats(h.X.n_cols);
    stats.add(h.X.data.data(), h.X.indices.data(), h.X.indptr.data(), h.X.n_rows);
    SubsetBuilder builder(h.X.n_cols, select_genes(stats));
    builder.add(h.X.data.data(), h.X.indices.data(), h.X.indptr.data(), h.X.n_rows);
    return scale_sparse(builder.take());
}

/// Smallest |correlation| of matching components over the first `top`.
double min_correlation(const PcaResult& a, const PcaResult& b, std::size_t top) {
    double worst = 1.0;
    for (std::size_t c = 0; c < top; ++c) {
        double dot = 0, na = 0, nb = 0;
        for (std::size_t i = 0; i < a.n_rows; ++i) {
            const double x = a.scores[i * a.n_components + c], y = b.scores[i * b.n_components + c];
            dot += x * y, na += x * x, nb += y * y;
        }
        worst = std::min(worst, std::fabs(dot) / std::sqrt(na * nb));
    }
    return worst;
}

double knn_overlap(const PcaResult& a, const PcaResult& b) {
    const auto ka = knn_exact(PointsView{a.scores.data(), a.n_rows, a.n_components}, 10, 2);
    const auto kb = knn_exact(PointsView{b.scores.data(), b.n_rows, b.n_components}, 10, 2);
    return knn_recall(ka, kb);
}

TEST(PcaSparse, DefaultMatchesTheLongerKrylovRunsOnTheFixture) {
    // A converged run (16 x 60 Krylov blocks) is the reference (ARPACK's neighbours agree with
    // it to > 99.9%): the neighbours the over-clustering sees must stay the same.
    const ScaledMatrix s = fixture_matrix("fixtures/synthetic/query_1k.h5ad");
    PcaOptions o;
    o.n_threads = 2;
    const PcaResult fast = pca_sparse(s, o);
    for (const std::size_t iterations : {60}) {
        PcaOptions r = o;
        r.n_iterations = iterations;
        const PcaResult ref = pca_sparse(s, r);
        const double corr = min_correlation(fast, ref, 20), overlap = knn_overlap(fast, ref);
        std::printf(
            "[pca] default vs 16 x %zu blocks: min |corr| of PCs 1-20 %.6f, 10-NN overlap %.4f\n",
            iterations, corr, overlap);
        EXPECT_GE(overlap, 0.98);
        EXPECT_GE(corr, 0.999);
    }
}

TEST(PcaSparse, RejectsTooSmallInput) {
    SparseRows m;
    m.n_rows = 1;
    m.n_cols = 5;
    m.indptr = {0, 0};
    EXPECT_THROW(pca_sparse(scale_sparse(m)), std::invalid_argument);
}

}  // namespace
}  // namespace ct::cluster
