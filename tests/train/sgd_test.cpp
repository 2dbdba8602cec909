#include "train/sgd.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "support/synthetic.hpp"

namespace ct::train {
namespace {

Design blobs(std::vector<std::int32_t>& y) { return standardize(ct::testing::three_blobs(y)); }

TEST(SgdOvr, SeparatesTheBlobsAndIsSeeded) {
    std::vector<std::int32_t> y;
    const Design d = blobs(y);
    SgdOptions o;
    const LinearFit f = fit_sgd_ovr(d, y, 3, o);
    std::vector<std::vector<double>> s(3);
    for (std::size_t k = 0; k < 3; ++k)
        decision_scores(d, f.coef.data() + k * 4, f.intercept[k], s[k]);
    int right = 0;
    for (std::size_t i = 0; i < 300; ++i) {
        std::size_t best = 0;
        for (std::size_t k = 1; k < 3; ++k)
            if (s[k][i] > s[best][i]) best = k;
        right += static_cast<std::int32_t>(best) == y[i];
    }
    EXPECT_GT(right, 270);  // 90%; chance is a third (the blobs overlap a little)
    EXPECT_EQ(fit_sgd_ovr(d, y, 3, o).coef, f.coef);
    o.mini_batch = true;
    o.batch_size = 50;
    o.batch_number = 4;
    o.balance_cell_type = true;
    EXPECT_EQ(fit_sgd_ovr(d, y, 3, o).n_rows, 3u);
    o.batch_size = 1000;  // more than the cells: refused with advice
    EXPECT_THROW(fit_sgd_ovr(d, y, 3, o), std::invalid_argument);
}

}  // namespace
}  // namespace ct::train
