#include "cluster/scale.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "support/synthetic.hpp"

namespace ct::cluster {
namespace {

const auto from_dense = ct::testing::sparse_from_dense;

TEST(ScaleSparse, EqualsDenseScalingWithClipping) {
    // Gene 0 varies; gene 1 is constant (std 0 -> divided by 1); gene 2 has one outlier that
    // clips at +max_value; gene 3 is expressed in all but one cell, so its zero clips at -max.
    std::vector<std::vector<float>> dense(30, std::vector<float>(4, 0.0f));
    for (std::size_t i = 0; i < dense.size(); ++i) {
        dense[i][0] = static_cast<float>(i % 3);
        dense[i][1] = 2.0f;
        dense[i][3] = i == 0 ? 0.0f : 5.0f + 0.01f * static_cast<float>(i % 2);
    }
    dense[7][2] = 100.0f;
    ScaleOptions o;
    o.max_value = 3.0;
    const ScaledMatrix s = scale_sparse(from_dense(dense), o);
    const double n = static_cast<double>(dense.size());
    for (std::size_t j = 0; j < 4; ++j) {
        double m = 0, sq = 0;
        for (const auto& r : dense) m += r[j], sq += static_cast<double>(r[j]) * r[j];
        m /= n;
        double sd = std::sqrt((sq / n - m * m) * n / (n - 1));
        if (sd < 1e-12) sd = 1.0;
        if (j == 1) EXPECT_EQ(s.std[j], 1.0);
        for (std::size_t i = 0; i < dense.size(); ++i) {
            const double want = std::clamp((dense[i][j] - m) / sd, -3.0, 3.0);
            double got = s.zero_value[j];
            for (std::int64_t p = s.offsets.indptr[i]; p < s.offsets.indptr[i + 1]; ++p) {
                if (s.offsets.indices[p] == static_cast<std::int32_t>(j)) got += s.offsets.data[p];
            }
            ASSERT_NEAR(got, want, 1e-5) << "cell " << i << " gene " << j;
        }
    }
    EXPECT_DOUBLE_EQ(s.zero_value[3], -3.0);  // clipped from below
}

}  // namespace
}  // namespace ct::cluster
