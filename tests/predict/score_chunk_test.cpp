#include "predict/score_chunk.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "export/csv_rows.hpp"
#include "model/pickle_reader.hpp"
#include "predict/make_unique.hpp"
#include "predict/normalize.hpp"
#include "support/fixtures.hpp"

namespace ct::predict {
namespace {

struct Fixture {
    model::Model m;
    testing::H5ad q;
    Fixture() {
        const auto bytes = testing::read_bytes(testing::shared_path("fixtures/models/toy_lr.pkl"));
        m = model::read_model(bytes.data(), bytes.size());
        q = testing::read_h5ad(testing::shared_path("fixtures/synthetic/query_1k.h5ad"));
    }
};

const Fixture& fixture() {
    static const Fixture f;
    return f;
}

/// Rows [lo, hi) of the query as a chunk cut from the whole matrix (offset row pointers).
struct Chunk {
    std::vector<float> data;
    std::vector<std::int32_t> indices;
    std::vector<std::int64_t> indptr;
    std::string ids;
    std::vector<std::uint32_t> id_offsets{0};
    Chunk(const testing::H5ad& q, std::size_t lo, std::size_t hi) {
        const auto a = static_cast<std::size_t>(q.X.indptr[lo]), b = static_cast<std::size_t>(q.X.indptr[hi]);
        data.assign(q.X.data.begin() + static_cast<std::ptrdiff_t>(a), q.X.data.begin() + static_cast<std::ptrdiff_t>(b));
        indices.assign(q.X.indices.begin() + static_cast<std::ptrdiff_t>(a),
                       q.X.indices.begin() + static_cast<std::ptrdiff_t>(b));
        indptr.assign(q.X.indptr.begin() + static_cast<std::ptrdiff_t>(lo),
                      q.X.indptr.begin() + static_cast<std::ptrdiff_t>(hi) + 1);
        for (std::size_t r = lo; r < hi; ++r) {
            ids += q.obs_names[r];
            id_offsets.push_back(static_cast<std::uint32_t>(ids.size()));
        }
    }
    ChunkInput input(bool normalize) {
        return {data.data(), indices.data(), indptr.data(), indptr.size() - 1, normalize};
    }
};

TEST(ScoreChunk, SameScoresAndTablesAsTheStepsOneByOne) {
    const auto& f = fixture();
    const Predictor p(f.m, make_unique(f.q.var_names));
    const std::size_t lo = 100, hi = 700, n = hi - lo, L = p.n_labels();
    for (bool normalize : {false, true}) {
        for (std::size_t threads : {1u, 2u}) {
            Chunk c(f.q, lo, hi);
            std::vector<double> d(n * L), pr(n * L);
            const std::size_t cap = csv::csv_rows_capacity(n, L, c.ids.size());
            std::vector<char> dcsv(cap), pcsv(cap);
            const auto status = score_chunk(
                p, c.input(normalize),
                {d.data(), pr.data(), c.ids.data(), c.id_offsets.data(), dcsv.data(), pcsv.data()}, {threads});
            ASSERT_EQ(status.error, ChunkStatus::Error::none) << status.message;

            Chunk ref(f.q, lo, hi);
            if (normalize) normalize_log1p(ref.data.data(), ref.indptr.data(), n);
            EXPECT_EQ(c.data, ref.data);  // normalized in place
            std::vector<double> rd(n * L), rp(n * L);
            p.score(ref.data.data(), ref.indices.data(), ref.indptr.data(), n, rd.data(), rp.data());
            EXPECT_EQ(d, rd);
            EXPECT_EQ(pr, rp);
            std::vector<char> text(cap);
            const csv::CsvRows rows{rd.data(), n, L, ref.ids.data(), ref.id_offsets.data()};
            const std::size_t bytes = csv::write_csv_rows(rows, text.data());
            EXPECT_EQ(std::string(dcsv.data(), status.decision_bytes), std::string(text.data(), bytes));
            const csv::CsvRows prow{rp.data(), n, L, ref.ids.data(), ref.id_offsets.data()};
            const std::size_t pbytes = csv::write_csv_rows(prow, text.data());
            EXPECT_EQ(std::string(pcsv.data(), status.probability_bytes), std::string(text.data(), pbytes));
        }
    }
}

TEST(ScoreChunk, BlocksCoverTheRowsOncePerThread) {
    EXPECT_EQ(chunk_blocks(1000, {1}), (std::vector<std::size_t>{0, 1000}));
    EXPECT_EQ(chunk_blocks(1000, {2}), (std::vector<std::size_t>{0, 500, 1000}));
    EXPECT_EQ(chunk_blocks(1000, {3, 10}), (std::vector<std::size_t>{0, 334, 668, 1000}));
    EXPECT_EQ(chunk_blocks(300, {4, 256}), (std::vector<std::size_t>{0, 150, 300}));  // as parallel_for
    EXPECT_EQ(chunk_blocks(200, {4, 256}), (std::vector<std::size_t>{0, 200}));      // too few rows to split
    EXPECT_EQ(chunk_blocks(0, {2}), (std::vector<std::size_t>{0, 0}));
}

TEST(ScoreChunk, BlocksRunSeparatelyThenMergedEqualOneRun) {
    // What the bindings do: each block on its own thread, then merge_blocks.
    const auto& f = fixture();
    const Predictor p(f.m, make_unique(f.q.var_names));
    const std::size_t n = 500, L = p.n_labels();
    Chunk whole(f.q, 0, n), parts(f.q, 0, n);
    const std::size_t cap = csv::csv_rows_capacity(n, L, whole.ids.size());
    std::vector<double> d1(n * L), p1(n * L), d2(n * L), p2(n * L);
    std::vector<char> c1(cap), c2(cap);
    const auto one = score_chunk(p, whole.input(true), {d1.data(), p1.data(), whole.ids.data(), whole.id_offsets.data(), c1.data(), nullptr});
    const ChunkInput in = parts.input(true);
    const ChunkOutput out{d2.data(), p2.data(), parts.ids.data(), parts.id_offsets.data(), c2.data(), nullptr};
    const auto bounds = chunk_blocks(n, {3, 10});
    std::vector<ChunkStatus> blocks(bounds.size() - 1);
    // Blocks in any order (here the last first).
    for (std::size_t b = bounds.size() - 1; b-- > 0;) blocks[b] = score_block(p, in, out, bounds[b], bounds[b + 1]);
    const auto merged = merge_blocks(in, out, L, bounds, blocks);
    ASSERT_EQ(merged.error, ChunkStatus::Error::none);
    EXPECT_EQ(d1, d2);
    EXPECT_EQ(p1, p2);
    EXPECT_EQ(std::string(c2.data(), merged.decision_bytes), std::string(c1.data(), one.decision_bytes));
    EXPECT_EQ(merged.probability_bytes, 0u);
}

TEST(ScoreChunk, TheErrorOfAOnePassRunWinsAcrossBlocks) {
    const auto& f = fixture();
    const Predictor p(f.m, make_unique(f.q.var_names));
    const std::size_t n = 600;
    std::vector<double> d(n * p.n_labels());
    // Block 0: a corrupt index; block 1: negative counts; block 2: NaN. One pass checks NaN first.
    Chunk c(f.q, 0, n);
    c.indices[static_cast<std::size_t>(c.indptr[10]) + 1] = 1 << 30;
    c.data[static_cast<std::size_t>(c.indptr[250])] = -3.0f;
    c.data[static_cast<std::size_t>(c.indptr[450]) + 2] = std::numeric_limits<float>::quiet_NaN();
    auto status = score_chunk(p, c.input(true), {d.data(), nullptr}, {3, 10});
    EXPECT_EQ(status.error, ChunkStatus::Error::non_finite);
    EXPECT_EQ(status.row, 450u);
    c.data[static_cast<std::size_t>(c.indptr[450]) + 2] = 1.0f;
    status = score_chunk(p, c.input(true), {d.data(), nullptr}, {3, 10});
    EXPECT_EQ(status.error, ChunkStatus::Error::bad_counts);
    EXPECT_NE(status.message.find("cell 251 of the chunk"), std::string::npos) << status.message;
    c.data[static_cast<std::size_t>(c.indptr[250])] = 3.0f;
    status = score_chunk(p, c.input(true), {d.data(), nullptr}, {3, 10});
    EXPECT_EQ(status.error, ChunkStatus::Error::failed);
}

TEST(ScoreChunk, TablesAndMatricesAreOptional) {
    const auto& f = fixture();
    const Predictor p(f.m, make_unique(f.q.var_names));
    Chunk c(f.q, 0, 50);
    std::vector<double> pr(50 * p.n_labels());
    const auto status = score_chunk(p, c.input(false), {nullptr, pr.data()});
    EXPECT_EQ(status.error, ChunkStatus::Error::none);
    EXPECT_EQ(status.decision_bytes, 0u);
    EXPECT_EQ(status.probability_bytes, 0u);
    EXPECT_GT(pr[0], 0.0);
}

TEST(ScoreChunk, ReportsTheRowOfTheFirstNanOrInfBeforeNormalizing) {
    const auto& f = fixture();
    const Predictor p(f.m, make_unique(f.q.var_names));
    Chunk c(f.q, 200, 260);  // row pointers start far from 0
    const auto bad_row = 17;
    const auto at = static_cast<std::size_t>(c.indptr[bad_row] - c.indptr[0]) + 1;
    ASSERT_LT(at, static_cast<std::size_t>(c.indptr[bad_row + 1] - c.indptr[0]));
    c.data[at] = std::numeric_limits<float>::infinity();
    c.data.back() = std::numeric_limits<float>::quiet_NaN();
    std::vector<double> d(60 * p.n_labels());
    const auto status = score_chunk(p, c.input(true), {d.data(), nullptr});
    EXPECT_EQ(status.error, ChunkStatus::Error::non_finite);
    EXPECT_EQ(status.row, 17u);
}

TEST(ScoreChunk, NegativeCountsAndCorruptIndicesAreMessagesNotExceptions) {
    const auto& f = fixture();
    const Predictor p(f.m, make_unique(f.q.var_names));
    Chunk neg(f.q, 0, 10);
    neg.data[3] = -1.0f;
    std::vector<double> d(10 * p.n_labels());
    auto status = score_chunk(p, neg.input(true), {d.data(), nullptr});
    EXPECT_EQ(status.error, ChunkStatus::Error::bad_counts);
    EXPECT_NE(status.message.find("non-negative"), std::string::npos) << status.message;

    Chunk bad(f.q, 0, 10);
    bad.indices[5] = 1 << 30;
    status = score_chunk(p, bad.input(false), {d.data(), nullptr}, {2});
    EXPECT_EQ(status.error, ChunkStatus::Error::failed);
    EXPECT_NE(status.message.find("column index"), std::string::npos) << status.message;
}

}  // namespace
}  // namespace ct::predict
