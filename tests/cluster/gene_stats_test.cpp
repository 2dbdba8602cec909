#include "cluster/gene_stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>
#include <stdexcept>

namespace ct::cluster {
namespace {

// 3 cells x 3 genes: gene 0 in all cells, gene 1 in one, gene 2 in none.
const std::vector<float> kData = {1.0f, 2.0f, 0.5f, 3.0f};
const std::vector<std::int32_t> kIndices = {0, 1, 0, 0};
const std::vector<std::int64_t> kIndptr = {0, 2, 3, 4};

TEST(GeneStats, CountsExpressingCellsAndExpm1Moments) {
    GeneStats s(3);
    s.add(kData.data(), kIndices.data(), kIndptr.data(), 3);
    EXPECT_EQ(s.n_cells(), 3u);
    EXPECT_EQ(s.expressing_cells(), (std::vector<std::int64_t>{3, 1, 0}));
    const double e1 = std::expm1(1.0f), e05 = std::expm1(0.5f), e3 = std::expm1(3.0f),
                 e2 = std::expm1(2.0f);
    const auto mean = s.expm1_mean();
    // expm1f may differ from the compile-time value by an ulp: compare to float precision.
    EXPECT_NEAR(mean[0], (e1 + e05 + e3) / 3, 1e-6);
    EXPECT_NEAR(mean[1], e2 / 3, 1e-6);
    EXPECT_EQ(mean[2], 0.0);
    const double m0 = mean[0];
    const double var0 =
        ((e1 - m0) * (e1 - m0) + (e05 - m0) * (e05 - m0) + (e3 - m0) * (e3 - m0)) / 2;  // ddof 1
    EXPECT_NEAR(s.expm1_variance()[0], var0, 1e-5);
}

// The cache of expm1 results must give the bits of one expm1f call per value, whatever the
// mix of repeated values (hits), colliding ones and fresh ones (misses), NaN bit patterns included.
TEST(GeneStats, SameBitsAsOneExpm1CallPerValue) {
    const std::size_t genes = 50, cells = 400;
    std::vector<float> data;
    std::vector<std::int32_t> indices;
    std::vector<std::int64_t> indptr{0};
    std::uint32_t r = 12345;
    auto next = [&r] { return r = r * 1664525u + 1013904223u; };
    for (std::size_t c = 0; c < cells; ++c) {
        const float total = 500.0f + static_cast<float>(next() % 5000);
        for (std::size_t g = 0; g < genes; ++g) {
            if (next() % 3 == 0) continue;
            const auto count = static_cast<float>(1 + next() % 7);
            // Mostly few distinct values per cell (counts), sometimes arbitrary bit patterns.
            float x = std::log1p(count * 1e4f / total);
            if (next() % 1000 == 0) {
                const std::uint32_t bits = next();
                std::memcpy(&x, &bits, sizeof x);
            }
            data.push_back(x);
            indices.push_back(static_cast<std::int32_t>(g));
        }
        indptr.push_back(static_cast<std::int64_t>(data.size()));
    }
    GeneStats s(genes);
    s.add(data.data(), indices.data(), indptr.data(), cells);
    std::vector<double> sum(genes, 0.0), sum_sq(genes, 0.0);
    for (std::size_t p = 0; p < data.size(); ++p) {
        const double e = static_cast<double>(std::expm1(data[p]));
        sum[indices[p]] += e;
        sum_sq[indices[p]] += e * e;
    }
    const auto mean = s.expm1_mean();
    const auto var = s.expm1_variance();
    const double n = static_cast<double>(cells);
    // Identical values, NaN where a NaN (or Inf - Inf) came from the random bit patterns.
    auto same = [](double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; };
    std::size_t finite = 0;
    for (std::size_t g = 0; g < genes; ++g) {
        const double m = sum[g] / n;
        EXPECT_TRUE(same(mean[g], m)) << g << ": " << mean[g] << " vs " << m;
        EXPECT_TRUE(same(var[g], (sum_sq[g] / n - m * m) * (n / (n - 1.0)))) << g;
        finite += std::isfinite(var[g]);
    }
    EXPECT_GT(finite, genes / 2);  // most genes saw no odd bit pattern
}

TEST(GeneStats, ChunkedEqualsWhole) {
    GeneStats whole(3), chunked(3);
    whole.add(kData.data(), kIndices.data(), kIndptr.data(), 3);
    chunked.add(kData.data(), kIndices.data(), kIndptr.data(), 1);
    // Second chunk: offset indptr (starts at 2), data/indices pointing at its first nonzero.
    chunked.add(kData.data() + 2, kIndices.data() + 2, kIndptr.data() + 1, 2);
    EXPECT_EQ(whole.expressing_cells(), chunked.expressing_cells());
    EXPECT_EQ(whole.expm1_mean(), chunked.expm1_mean());
    EXPECT_EQ(whole.expm1_variance(), chunked.expm1_variance());
}

TEST(GeneStats, MinCellsFilterKeepsGenesAtTheThreshold) {
    GeneStats s(3);
    s.add(kData.data(), kIndices.data(), kIndptr.data(), 3);
    EXPECT_EQ(genes_with_min_cells(s, 1), (std::vector<std::int32_t>{0, 1}));
    EXPECT_EQ(genes_with_min_cells(s, 3), (std::vector<std::int32_t>{0}));
    EXPECT_TRUE(genes_with_min_cells(s, 4).empty());
}

TEST(GeneStats, RejectsOutOfRangeColumns) {
    GeneStats s(1);
    EXPECT_THROW(s.add(kData.data(), kIndices.data(), kIndptr.data(), 3), std::invalid_argument);
}

}  // namespace
}  // namespace ct::cluster
