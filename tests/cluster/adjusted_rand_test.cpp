#include "cluster/adjusted_rand.hpp"

#include <gtest/gtest.h>

namespace ct::cluster {
namespace {

TEST(AdjustedRandIndex, MatchesSklearn) {
    // sklearn.metrics.adjusted_rand_score values.
    EXPECT_NEAR(adjusted_rand_index({"0", "0", "1", "1"}, {"0", "0", "1", "2"}), 0.5714285714285714,
                1e-12);
    EXPECT_NEAR(adjusted_rand_index({"0", "0", "1", "1"}, {"0", "1", "0", "1"}), -0.5, 1e-12);
    EXPECT_NEAR(adjusted_rand_index({"0", "0", "0", "1", "1", "2"}, {"1", "1", "0", "0", "2", "2"}),
                0.07407407407407407, 1e-12);
}

TEST(AdjustedRandIndex, IgnoresLabelNames) {
    EXPECT_DOUBLE_EQ(adjusted_rand_index({"a", "a", "b"}, {"x", "x", "y"}), 1.0);
    EXPECT_THROW(adjusted_rand_index({"a"}, {"a", "b"}), std::invalid_argument);
}

}  // namespace
}  // namespace ct::cluster
