#include "train/logistic_regression.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "support/synthetic.hpp"

namespace ct::train {
namespace {

Design blobs(std::vector<std::int32_t>& y) { return standardize(ct::testing::three_blobs(y)); }

TEST(LogisticOvr, SolutionSatisfiesTheOptimalityConditions) {
    std::vector<std::int32_t> y;
    const Design d = blobs(y);
    LogisticOptions o;
    o.tol = 1e-8;
    const LinearFit f = fit_logistic_ovr(d, y, 3, o);
    ASSERT_EQ(f.n_rows, 3u);
    EXPECT_TRUE(f.converged);
    // Gradient of sum log-loss + ||w||^2 / 2C is zero: w = C * X^T (y01 - p), sum(y01 - p) = 0.
    std::vector<double> s;
    for (std::size_t k = 0; k < 3; ++k) {
        decision_scores(d, f.coef.data() + k * 4, f.intercept[k], s);
        std::vector<double> g(4, 0.0);
        double gb = 0;
        for (std::size_t i = 0; i < 300; ++i) {
            const double r =
                1.0 / (1.0 + std::exp(-s[i])) - (y[i] == static_cast<std::int32_t>(k) ? 1.0 : 0.0);
            gb += r;
            for (int j = 0; j < 4; ++j) {
                double x = d.offset[j];
                for (auto p = d.z.indptr[i]; p < d.z.indptr[i + 1]; ++p)
                    if (d.z.indices[p] == j) x += d.z.data[p];
                g[j] += r * x;
            }
        }
        for (int j = 0; j < 4; ++j) EXPECT_NEAR(g[j] + f.coef[k * 4 + j], 0.0, 1e-6);
        EXPECT_NEAR(gb, 0.0, 1e-6);
    }
}

TEST(LogisticOvr, ThreadCountDoesNotChangeTheFit) {
    std::vector<std::int32_t> y;
    const Design d = blobs(y);
    LogisticOptions o;
    const auto a = fit_logistic_ovr(d, y, 3, o);
    o.n_threads = 3;
    EXPECT_EQ(fit_logistic_ovr(d, y, 3, o).coef, a.coef);
}

}  // namespace
}  // namespace ct::train
