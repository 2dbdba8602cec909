#include "cluster/highly_variable.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace ct::cluster {
namespace {

TEST(EqualWidthBins, MatchesPandasCut) {
    // pandas: pd.cut([0, .1, .5, .95, 1, 2, 3.3, 4], bins=4).codes == [0,0,0,0,0,1,3,3]
    EXPECT_EQ(equal_width_bins({0.0, 0.1, 0.5, 0.95, 1.0, 2.0, 3.3, 4.0}, 4),
              (std::vector<std::size_t>{0, 0, 0, 0, 0, 1, 3, 3}));
    // A degenerate range is widened symmetrically: pd.cut([2, 2, 2], bins=3).codes == [1,1,1]
    EXPECT_EQ(equal_width_bins({2.0, 2.0, 2.0}, 3), (std::vector<std::size_t>{1, 1, 1}));
}

TEST(HighlyVariable, NormalizesDispersionWithinMeanBins) {
    // Two genes share a bin (same mean), one is alone in another bin.
    const std::vector<double> mean = {1.0, 1.0, 100.0};
    const std::vector<double> var = {2.0, 8.0, 300.0};
    HighlyVariableOptions o;
    o.n_top_genes = 3;
    const auto r = highly_variable_seurat(mean, var, o);
    EXPECT_NEAR(r.means[0], std::log1p(1.0), 1e-15);
    EXPECT_NEAR(r.dispersions[1], std::log(8.0), 1e-15);
    // Bin of genes 0 and 1: mean of log(2), log(8); sample std.
    const double avg = (std::log(2.0) + std::log(8.0)) / 2;
    const double dev =
        std::sqrt((std::pow(std::log(2.0) - avg, 2) + std::pow(std::log(8.0) - avg, 2)) / 1);
    EXPECT_NEAR(r.dispersions_norm[0], (std::log(2.0) - avg) / dev, 1e-12);
    EXPECT_NEAR(r.dispersions_norm[1], (std::log(8.0) - avg) / dev, 1e-12);
    // A gene alone in its bin: scanpy sets dev = avg = its dispersion, avg = 0, so norm = 1.
    EXPECT_NEAR(r.dispersions_norm[2], 1.0, 1e-12);
    EXPECT_EQ(r.selected, (std::vector<std::int32_t>{0, 1, 2}));
}

TEST(HighlyVariable, TopGenesExcludeZeroVarianceAndKeepTies) {
    const std::vector<double> mean = {1.0, 1.0, 1.0, 1.0, 1.0};
    const std::vector<double> var = {1.0, 4.0, 4.0, 0.0, 2.0};
    HighlyVariableOptions o;
    o.n_top_genes = 1;
    const auto r = highly_variable_seurat(mean, var, o);
    EXPECT_TRUE(std::isnan(r.dispersions[3]));  // var 0 -> NaN dispersion, never selected
    EXPECT_TRUE(std::isnan(r.dispersions_norm[3]));
    EXPECT_EQ(r.selected, (std::vector<std::int32_t>{1, 2}));  // a tie at the cut-off keeps both
    o.n_top_genes = 10;  // more than there are: every gene with a dispersion
    EXPECT_EQ(highly_variable_seurat(mean, var, o).selected,
              (std::vector<std::int32_t>{0, 1, 2, 4}));
}

}  // namespace
}  // namespace ct::cluster
