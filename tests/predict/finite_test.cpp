#include "predict/finite.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace ct::predict {
namespace {

TEST(FirstNonFinite, FindsTheFirstNanOrInfAnywhere) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    for (std::size_t n : {1u, 63u, 64u, 65u, 200u}) {
        for (std::size_t at = 0; at < n; at += 7) {
            for (float bad : {nan, inf, -inf}) {
                std::vector<float> v(n, 1.5f);
                v[at] = bad;
                if (at + 3 < n) v[at + 3] = nan;  // a later one does not matter
                EXPECT_EQ(first_non_finite(v.data(), n), at) << n << " values, bad at " << at;
            }
        }
    }
}

TEST(FirstNonFinite, FiniteValuesIncludingExtremesPass) {
    std::vector<float> v = {0.0f, -0.0f, std::numeric_limits<float>::max(), -std::numeric_limits<float>::max(),
                            std::numeric_limits<float>::denorm_min(), 1e-30f};
    v.resize(150, 3.0f);
    EXPECT_EQ(first_non_finite(v.data(), v.size()), v.size());
    EXPECT_EQ(first_non_finite(nullptr, 0), 0u);
}

}  // namespace
}  // namespace ct::predict
