#include "train/design.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "support/synthetic.hpp"

namespace ct::train {
namespace {

const auto from_dense = ct::testing::sparse_from_dense;

TEST(Standardize, EqualsSklearnScalerWithCellTypistsUpperClip) {
    // Gene 1 has an outlier that clips at 10 (only above: zeros are never clipped from below).
    std::vector<std::vector<float>> dense(200, std::vector<float>(3, 0.0f));
    for (std::size_t i = 0; i < dense.size(); ++i)
        dense[i][0] = static_cast<float>(i % 4), dense[i][2] = 1.0f;
    dense[5][1] = 50.0f;
    const Design d = standardize(from_dense(dense));
    const double n = 200;
    for (std::size_t g = 0; g < 3; ++g) {
        double m = 0, sq = 0;
        for (const auto& r : dense) m += r[g], sq += static_cast<double>(r[g]) * r[g];
        m /= n;
        const double var = sq / n - m * m;  // population variance, as sklearn
        EXPECT_NEAR(d.scaler.mean[g], m, 1e-12);
        EXPECT_NEAR(d.scaler.var[g], var, 1e-9);
        const double scale = var < 1e-20 ? 1.0 : std::sqrt(var);
        EXPECT_NEAR(d.scaler.scale[g], scale, 1e-9);
        for (std::size_t i = 0; i < dense.size(); ++i) {
            double got = d.offset[g];
            for (auto p = d.z.indptr[i]; p < d.z.indptr[i + 1]; ++p)
                if (d.z.indices[p] == static_cast<std::int32_t>(g)) got += d.z.data[p];
            ASSERT_NEAR(got, std::min((dense[i][g] - m) / scale, 10.0), 1e-5) << i << "," << g;
        }
    }
    EXPECT_EQ(d.scaler.scale[2], 1.0);  // constant gene: sklearn keeps scale 1
}

TEST(Standardize, WithoutMeanKeepsTheMatrixSparse) {
    ScalerOptions o;
    o.with_mean = false;
    const Design d = standardize(from_dense({{1, 0}, {3, 2}}), o);
    EXPECT_EQ(d.offset, (std::vector<double>{0, 0}));
    EXPECT_NEAR(d.z.data[0], 1.0 / std::sqrt(1.0), 1e-6);  // var of {1,3} = 1
}

TEST(ExpressedGenes, DropsAllZeroColumnsAndSelectsColumns) {
    const auto x = from_dense({{1, 0, 2}, {0, 0, 3}});
    EXPECT_EQ(expressed_genes(x), (std::vector<std::int32_t>{0, 2}));
    const auto s = select_columns(x, {0, 2});
    EXPECT_EQ(s.n_cols, 2u);
    EXPECT_EQ(s.indices, (std::vector<std::int32_t>{0, 1, 1}));
    EXPECT_EQ(s.data, (std::vector<float>{1, 2, 3}));
}

}  // namespace
}  // namespace ct::train
