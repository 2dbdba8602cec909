#include "train/lbfgs.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace ct::train {
namespace {

TEST(Lbfgs, MinimizesRosenbrock) {
    const Objective f = [](const std::vector<double>& x, std::vector<double>& g) {
        const double a = 1 - x[0], b = x[1] - x[0] * x[0];
        g = {-2 * a - 400 * x[0] * b, 200 * b};
        return a * a + 100 * b * b;
    };
    std::vector<double> x = {-1.2, 1.0};
    LbfgsOptions o;
    o.gtol = 1e-8;
    o.ftol = 0;
    const auto r = lbfgs_minimize(f, x, o);
    EXPECT_TRUE(r.converged);
    EXPECT_NEAR(x[0], 1.0, 1e-5);
    EXPECT_NEAR(x[1], 1.0, 1e-5);
}

TEST(Lbfgs, StopsAtMaxIter) {
    const Objective f = [](const std::vector<double>& x, std::vector<double>& g) {
        g = {2 * x[0]};
        return x[0] * x[0];
    };
    std::vector<double> x = {5};
    LbfgsOptions o;
    o.max_iter = 0;
    const auto r = lbfgs_minimize(f, x, o);
    EXPECT_FALSE(r.converged);
    EXPECT_EQ(x[0], 5);
}

}  // namespace
}  // namespace ct::train
