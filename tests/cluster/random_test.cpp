#include "cluster/random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ct::cluster {
namespace {

TEST(Random, IsSeededAndPlatformIndependent) {
    Random a(42), b(42);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(a.bits(), b.bits());
    // mt19937_64's 10000th output is fixed by the C++ standard.
    Random c(5489);
    std::uint64_t v = 0;
    for (int i = 0; i < 10000; ++i) v = c.bits();
    EXPECT_EQ(v, 9981545732273789042ULL);
}

TEST(Random, DrawsInRangeWithTheRightMoments) {
    Random r(1);
    double sum = 0, sq = 0;
    for (int i = 0; i < 100000; ++i) {
        const double u = r.uniform();
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        ASSERT_LT(r.below(7), 7u);
        const double z = r.normal();
        sum += z, sq += z * z;
    }
    EXPECT_NEAR(sum / 1e5, 0.0, 0.02);
    EXPECT_NEAR(sq / 1e5, 1.0, 0.02);
}

TEST(Random, ShuffleIsAPermutation) {
    Random r(3);
    std::vector<int> v(50);
    std::iota(v.begin(), v.end(), 0);
    r.shuffle(v.begin(), v.end());
    auto s = v;
    std::sort(s.begin(), s.end());
    for (int i = 0; i < 50; ++i) EXPECT_EQ(s[i], i);
    EXPECT_FALSE(std::is_sorted(v.begin(), v.end()));
}

}  // namespace
}  // namespace ct::cluster
