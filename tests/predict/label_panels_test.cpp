#include "predict/label_panels.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace ct::predict {
namespace {

/// The plain loop the panels replace: one accumulator per label, terms added in pair order.
std::vector<double> plain(const std::vector<double>& w, std::size_t n_labels,
                          const std::vector<double>& base, const std::vector<std::int32_t>& slots,
                          const std::vector<double>& deltas,
                          const std::vector<std::size_t>& row_start) {
    const std::size_t n_rows = row_start.size() - 1;
    std::vector<double> out(n_rows * n_labels);
    for (std::size_t r = 0; r < n_rows; ++r) {
        std::vector<double> acc(base);
        for (std::size_t k = row_start[r]; k < row_start[r + 1]; ++k) {
            for (std::size_t c = 0; c < n_labels; ++c)
                acc[c] += deltas[k] * w[static_cast<std::size_t>(slots[k]) * n_labels + c];
        }
        std::copy(acc.begin(), acc.end(), out.begin() + static_cast<std::ptrdiff_t>(r * n_labels));
    }
    return out;
}

struct Problem {
    std::vector<double> w, base, deltas;
    std::vector<std::int32_t> slots;
    std::vector<std::size_t> row_start{0};
    /// The rows in slabs, as Predictor builds them.
    SlabbedRows slabbed(const LabelPanels& panels) const {
        SlabbedRows rows;
        rows.reset(panels.n_slabs());
        for (std::size_t r = 0; r + 1 < row_start.size(); ++r) {
            const std::size_t begin = rows.size();
            for (std::size_t k = row_start[r]; k < row_start[r + 1]; ++k) rows.add(slots[k], deltas[k]);
            rows.end_row(begin, LabelPanels::kSlabShift);
        }
        return rows;
    }
};

/// Rows of random pairs; `sorted` rows have ascending slots (as CSR with sorted indices).
Problem random_problem(std::size_t n_slots, std::size_t n_labels, std::size_t n_rows,
                       std::uint64_t seed, bool sorted = false) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> g(0, 1);
    std::uniform_int_distribution<std::int32_t> slot(0, static_cast<std::int32_t>(n_slots) - 1);
    std::uniform_int_distribution<std::size_t> len(0, 40);
    Problem p;
    p.w.resize(n_slots * n_labels);
    for (auto& x : p.w) x = g(rng);
    p.base.resize(n_labels);
    for (auto& x : p.base) x = g(rng);
    for (std::size_t r = 0; r < n_rows; ++r) {
        const std::size_t n = r == 1 ? 0 : len(rng);  // one empty row
        std::vector<std::int32_t> row;
        for (std::size_t k = 0; k < n; ++k) row.push_back(slot(rng));
        if (sorted) {
            std::sort(row.begin(), row.end());
            row.erase(std::unique(row.begin(), row.end()), row.end());
        }
        for (auto s : row) {
            p.slots.push_back(s);
            p.deltas.push_back(g(rng) * 3);
        }
        p.row_start.push_back(p.slots.size());
    }
    return p;
}

TEST(LabelPanels, BitIdenticalToThePlainLoopForEveryPanelShape) {
    // 1..40 labels: every tail width (odd and even) after 0, 1 and 2 full panels; 98 as the
    // bench model.
    std::vector<std::size_t> label_counts;
    for (std::size_t l = 1; l <= 40; ++l) label_counts.push_back(l);
    label_counts.push_back(98);
    for (std::size_t L : label_counts) {
        const std::size_t n_slots = 57, n_rows = 23;
        const Problem p = random_problem(n_slots, L, n_rows, 1000 + L);
        const LabelPanels panels(p.w.data(), n_slots, L);
        std::vector<double> out(n_rows * L, -1.0);
        panels.accumulate(p.base.data(), p.slabbed(panels), out.data(), L);
        EXPECT_EQ(out, plain(p.w, L, p.base, p.slots, p.deltas, p.row_start)) << L << " labels";
    }
}

TEST(LabelPanels, ManySlabsSortedAndUnsortedRowsStayBitIdentical) {
    // 2,500 slots = 3 slabs: rows with ascending slots are split by slab, other rows are not.
    const std::size_t n_slots = 2500, L = 37, n_rows = 60;
    for (bool sorted : {true, false}) {
        const Problem p = random_problem(n_slots, L, n_rows, 99, sorted);
        const LabelPanels panels(p.w.data(), n_slots, L);
        ASSERT_EQ(panels.n_slabs(), 3u);
        const SlabbedRows rows = p.slabbed(panels);
        std::vector<double> out(n_rows * L);
        panels.accumulate(p.base.data(), rows, out.data(), L);
        EXPECT_EQ(out, plain(p.w, L, p.base, p.slots, p.deltas, p.row_start)) << (sorted ? "sorted" : "unsorted");
    }
}

TEST(SlabbedRows, AscendingRowsAreCutAtSlabBoundariesOthersStayWhole) {
    SlabbedRows rows;
    rows.reset(3);
    for (std::int32_t s : {1, 5, 1024, 2047, 2048}) rows.add(s, 1.0);  // slabs 0 0 1 1 2
    rows.end_row(0, 10);
    for (std::int32_t s : {2048, 3}) rows.add(s, 1.0);  // not ascending
    rows.end_row(5, 10);
    rows.end_row(7, 10);  // empty
    EXPECT_EQ(rows.n_rows, 3u);
    EXPECT_EQ(rows.starts, (std::vector<std::size_t>{0, 2, 4, 5, /**/ 5, 7, 7, 7, /**/ 7, 7, 7, 7}));
}

TEST(LabelPanels, WritesOnlyTheLabelsOfEachRowWithAWiderStride) {
    const std::size_t L = 19, stride = 25, n_slots = 9, n_rows = 4;
    const Problem p = random_problem(n_slots, L, n_rows, 7);
    const LabelPanels panels(p.w.data(), n_slots, L);
    std::vector<double> out(n_rows * stride, -7.0);
    panels.accumulate(p.base.data(), p.slabbed(panels), out.data(), stride);
    const auto ref = plain(p.w, L, p.base, p.slots, p.deltas, p.row_start);
    for (std::size_t r = 0; r < n_rows; ++r) {
        for (std::size_t c = 0; c < stride; ++c) {
            if (c < L)
                EXPECT_EQ(out[r * stride + c], ref[r * L + c]);
            else
                EXPECT_EQ(out[r * stride + c], -7.0) << "padding written at " << r << "," << c;
        }
    }
}

TEST(LabelPanels, EmptyRowsGetTheBase) {
    const std::vector<double> w = {1, 2, 3};
    const std::vector<double> base = {0.5, -1, 2};
    const LabelPanels panels(w.data(), 1, 3);
    Problem p;
    p.row_start = {0, 0, 0};
    std::vector<double> out(6, 0);
    panels.accumulate(base.data(), p.slabbed(panels), out.data(), 3);
    EXPECT_EQ(out, (std::vector<double>{0.5, -1, 2, 0.5, -1, 2}));
}

}  // namespace
}  // namespace ct::predict
