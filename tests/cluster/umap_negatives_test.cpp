// The UMAP layout's negative samples: a stream of every cell at a random slot, read in windows
// that wrap around, each sample pushing as umap-learn's negative gradient does.
#include "cluster/umap_negatives.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "cluster/fast_pow.hpp"

namespace ct::cluster {
namespace {

constexpr float kA = 0.58303f, kB = 1.33417f;

/// umap-learn's clipped negative-sample push of a cell at (cx, cy) away from (ox, oy), one
/// sample at a time (with the layout's fast_pow).
Float2 reference_push(float cx, float cy, float ox, float oy) {
    const float dx = cx - ox, dy = cy - oy, d2 = dx * dx + dy * dy;
    if (d2 == 0.0f) return {0, 0};
    const float coeff = 2.0f * kB / ((0.001f + d2) * (kA * fast_pow(d2, kB) + 1.0f));
    return {std::clamp(coeff * dx, -4.0f, 4.0f), std::clamp(coeff * dy, -4.0f, 4.0f)};
}

/// Cell p at (p, 2p mod 7): distinct positions whose slot order is the pool's.
NegativePool line_pool(std::size_t n, std::uint64_t seed) {
    NegativePool pool(n, seed);
    for (std::size_t p = 0; p < n; ++p)
        pool.put(p, static_cast<float>(p), static_cast<float>((2 * p) % 7));
    return pool;
}

TEST(NegativePool, AStreamReadsEverySlotOnceAndWraps) {
    // Pushes from a cell far away are tiny but nonzero and distinct, so that summing them one
    // window at a time equals summing the cells the stream passed, in any window split.
    const std::size_t n = 300;
    const NegativePool pool = line_pool(n, 5);
    std::size_t cursor = 250;
    const Float2 all = pool.repel(0, -50.0f, 0.0f, static_cast<int>(n), cursor, kA, kB, 1.0f);
    EXPECT_EQ(cursor, 250u);  // n samples from 250 wrap around to 250
    // Reading all n slots is every cell but the cell itself: the sum over cells 1..n-1.
    float sx = 0, sy = 0;
    for (std::size_t p = 1; p < n; ++p) {
        const Float2 r =
            reference_push(-50.0f, 0.0f, static_cast<float>(p), static_cast<float>((2 * p) % 7));
        sx += r.x, sy += r.y;
    }
    EXPECT_NEAR(all.x, sx, 1e-4f * std::fabs(sx));
    EXPECT_NEAR(all.y, sy, 1e-4f * std::fabs(sy) + 1e-7f);
    EXPECT_LT(all.x, 0.0f);  // pushed away from the cells (all at x >= 0)
}

TEST(NegativePool, SamplesAreTheCellsAtTheNextSlotsButTheCellItself) {
    // Windows longer than kWindow, partial groups of four, the cell's own slot inside or not,
    // and streams that wrap past the last slot: each gives the sum of umap's pushes from the
    // cells at the slots read.
    const std::size_t n = 100;
    const NegativePool pool = line_pool(n, 1);
    std::vector<std::size_t> at_slot(n);
    for (std::size_t p = 0; p < n; ++p) at_slot[pool.slot(p)] = p;
    for (std::size_t self = 0; self < n; self += 7) {
        for (const int count : {1, 3, 4, 5, 17, 60, 61, 99, 130}) {
            const std::size_t start = (self * 37) % n;
            const float cx = static_cast<float>(self) + 0.25f, cy = 1.5f;
            double sx = 0, sy = 0;
            for (int s = 0; s < count; ++s) {
                const std::size_t p = at_slot[(start + static_cast<std::size_t>(s)) % n];
                if (p == self) continue;
                const Float2 r =
                    reference_push(cx, cy, static_cast<float>(p), static_cast<float>((2 * p) % 7));
                sx += r.x, sy += r.y;
            }
            std::size_t cursor = start;
            const Float2 r = pool.repel(self, cx, cy, count, cursor, kA, kB, 1.0f);
            EXPECT_EQ(cursor, (start + static_cast<std::size_t>(count)) % n);
            EXPECT_NEAR(r.x, sx, 1e-4 * (1 + std::fabs(sx))) << self << " " << count;
            EXPECT_NEAR(r.y, sy, 1e-4 * (1 + std::fabs(sy))) << self << " " << count;
        }
    }
}

TEST(NegativePool, ACellAtTheSamePositionPushesNothingAndTinyPoolsWork) {
    NegativePool pool(3, 2);  // smaller than a window: slots repeat in the padding
    for (std::size_t p = 0; p < 3; ++p) pool.put(p, 1.0f, 1.0f);
    std::size_t cursor = 2;
    const Float2 r = pool.repel(0, 1.0f, 1.0f, 50, cursor, kA, kB, 1.0f);
    EXPECT_EQ(r.x, 0.0f);
    EXPECT_EQ(r.y, 0.0f);
    EXPECT_EQ(cursor, (2u + 50u) % 3u);
    pool.put(1, 4.0f, 1.0f);  // cell 1 moves right: cell 0 at (1, 1) is pushed left by it alone
    cursor = 0;
    const Float2 left = pool.repel(0, 1.0f, 1.0f, 3, cursor, kA, kB, 1.0f);
    EXPECT_FLOAT_EQ(left.x, reference_push(1.0f, 1.0f, 4.0f, 1.0f).x);
    EXPECT_EQ(left.y, 0.0f);
}

TEST(NegativePool, SlotsAreAPermutationSetBySeed) {
    const NegativePool a(1000, 7), b(1000, 7), c(1000, 8);
    std::set<std::size_t> slots;
    bool same_b = true, same_c = true;
    for (std::size_t p = 0; p < 1000; ++p) {
        slots.insert(a.slot(p));
        same_b = same_b && a.slot(p) == b.slot(p);
        same_c = same_c && a.slot(p) == c.slot(p);
    }
    EXPECT_EQ(slots.size(), 1000u);
    EXPECT_EQ(*slots.rbegin(), 999u);
    EXPECT_TRUE(same_b);
    EXPECT_FALSE(same_c);
}

}  // namespace
}  // namespace ct::cluster
