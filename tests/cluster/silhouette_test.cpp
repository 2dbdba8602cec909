#include "cluster/silhouette.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace ct::cluster {
namespace {

TEST(Silhouette, MatchesSklearn) {
    // Two groups of three points on a line; sklearn's definition worked by hand.
    const std::vector<float> x = {0, 0, 1, 0, 2, 0, 10, 0, 11, 0, 12, 0};
    const std::vector<std::int32_t> g = {0, 0, 0, 1, 1, 1};
    // Point 0: a = (1 + 2) / 2 = 1.5, b = (10 + 11 + 12) / 3 = 11 -> 0.863636...
    // Point 1: a = 1, b = 10 -> 0.9; point 2: a = 1.5, b = 9 -> 0.83333...; mirrored for group 1.
    const double expected = (2 * (1 - 1.5 / 11) + 2 * 0.9 + 2 * (1 - 1.5 / 9)) / 6;
    EXPECT_NEAR(silhouette(x, 2, g), expected, 1e-12);
}

TEST(Silhouette, NearZeroForMixedGroupsAndSubsamples) {
    std::vector<float> x;
    std::vector<std::int32_t> g;
    for (int i = 0; i < 2000; ++i) x.push_back(static_cast<float>(i % 97)), g.push_back(i % 2);
    EXPECT_LT(std::fabs(silhouette(x, 1, g, 500)), 0.05);
    EXPECT_THROW(silhouette(x, 1, std::vector<std::int32_t>(2000, 0)), std::invalid_argument);
    EXPECT_THROW(silhouette(x, 2, g), std::invalid_argument);
}

}  // namespace
}  // namespace ct::cluster
