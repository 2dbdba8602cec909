#include "predict/normalize.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>

#include "support/fixtures.hpp"

namespace ct::predict {
namespace {

TEST(Normalize, HandCheckedRows) {
    float data[] = {1, 3, 0, 5};
    const std::int64_t ptr[] = {0, 2, 3, 4};
    normalize_log1p(data, ptr, 3);
    EXPECT_FLOAT_EQ(data[0], std::log1p(2500.0f));
    EXPECT_FLOAT_EQ(data[1], std::log1p(7500.0f));
    EXPECT_FLOAT_EQ(data[2], 0.0f);  // an all-zero row stays zero
    EXPECT_FLOAT_EQ(data[3], std::log1p(10000.0f));
}

TEST(Normalize, RejectsNegativeOrNonFinite) {
    float data[] = {1, -2};
    const std::int64_t ptr[] = {0, 2};
    EXPECT_THROW(normalize_log1p(data, ptr, 1), std::invalid_argument);
    float nan[] = {NAN};
    const std::int64_t p1[] = {0, 1};
    EXPECT_THROW(normalize_log1p(nan, p1, 1), std::invalid_argument);
}

// query_1k.h5ad holds layers/counts and X = scanpy normalize_total(1e4) + log1p of them.
TEST(Normalize, ReproducesScanpyOnTheFixture) {
    const auto path = testing::shared_path("fixtures/synthetic/query_1k.h5ad");
    const auto x = testing::read_h5ad(path);
    hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(f, "layers/counts/data", H5P_DEFAULT);
    std::vector<float> counts(x.X.data.size());
    ASSERT_GE(H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, counts.data()), 0);
    H5Dclose(ds);
    H5Fclose(f);
    normalize_log1p(counts.data(), x.X.indptr.data(), x.X.n_rows);
    double max_rel = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        max_rel = std::max(max_rel, std::fabs(double(counts[i]) - x.X.data[i]) /
                                        std::max(1e-6, double(x.X.data[i])));
    }
    std::printf("[normalize] max relative difference to scanpy's X: %.3g\n", max_rel);
    EXPECT_LE(max_rel, 1e-6);
}

}  // namespace
}  // namespace ct::predict
