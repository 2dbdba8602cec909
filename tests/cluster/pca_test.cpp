#include "cluster/pca.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <random>

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

TEST(PcaSparse, ClampsComponentsAndIsDeterministicAcrossThreads) {
    Eigen::MatrixXd raw;
    const ScaledMatrix s = scale_sparse(make_matrix(40, 6, raw, 3));
    PcaOptions o;  // 50 requested, 6 genes: 5 components
    const PcaResult one = pca_sparse(s, o);
    EXPECT_EQ(one.n_components, 5u);
    o.n_threads = 2;
    const PcaResult two = pca_sparse(s, o);
    ASSERT_EQ(one.scores.size(), two.scores.size());
    for (std::size_t i = 0; i < one.scores.size(); ++i)
        EXPECT_NEAR(one.scores[i], two.scores[i], 1e-4);
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
