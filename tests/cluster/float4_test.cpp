#include "cluster/float4.hpp"

#include <gtest/gtest.h>

namespace ct::cluster {
namespace {

TEST(Float4, ClampAndChoiceWorkLaneByLane) {
    const Float4 v = {-9.0f, -1.0f, 2.5f, 7.0f};
    const Float4 c = clamp4(v, -4.0f, 4.0f);
    EXPECT_EQ(c[0], -4.0f);
    EXPECT_EQ(c[1], -1.0f);
    EXPECT_EQ(c[2], 2.5f);
    EXPECT_EQ(c[3], 4.0f);
    const Float4 s = v > 0.0f ? v : Float4{0, 0, 0, 0};
    EXPECT_EQ(s[0], 0.0f);
    EXPECT_EQ(s[3], 7.0f);
}

}  // namespace
}  // namespace ct::cluster
