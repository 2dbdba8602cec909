#include "cluster/fast_pow.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>

namespace ct::cluster {
namespace {

TEST(FastPow, IsWithinAFewThousandthsOfPow) {
    // The layout's exponents (b of min_dist 0.5 and 0.1, and b - 1) over squared distances
    // from 1e-6 to 1e4.
    double worst = 0.0;
    for (const float y : {1.334166992455648f, 1.929f, 0.334f}) {
        for (float x = 1e-6f; x < 1e4f; x *= 1.37f) {
            const double want = std::pow(static_cast<double>(x), static_cast<double>(y));
            worst = std::max(worst, std::fabs(fast_pow(x, y) / want - 1.0));
        }
    }
    std::printf("[fast_pow] largest relative error %.2e\n", worst);
    EXPECT_LT(worst, 5e-3);
}

TEST(FastPow, FourAtOnceGivesTheSameBitsAsOneAtATime) {
    for (float x = 1e-7f; x < 1e5f; x *= 1.11f) {
        const Float4 v = {x, x * 1.5f, x * 0.25f, x * 3.0f};
        const Float4 p = fast_pow4(v, 1.334166992455648f);
        for (int l = 0; l < 4; ++l) {
            const float one = fast_pow(v[l], 1.334166992455648f);
            EXPECT_EQ(std::memcmp(&one, &p[l], 4), 0) << v[l];
        }
    }
}

TEST(FastPow, ClampAndSelectWorkLaneByLane) {
    const Float4 v = {-9.0f, -1.0f, 2.5f, 7.0f};
    const Float4 c = clamp4(v, -4.0f, 4.0f);
    EXPECT_EQ(c[0], -4.0f);
    EXPECT_EQ(c[1], -1.0f);
    EXPECT_EQ(c[2], 2.5f);
    EXPECT_EQ(c[3], 4.0f);
    const Float4 s = select4(v > 0.0f, v, Float4{0, 0, 0, 0});
    EXPECT_EQ(s[0], 0.0f);
    EXPECT_EQ(s[3], 7.0f);
}

}  // namespace
}  // namespace ct::cluster
