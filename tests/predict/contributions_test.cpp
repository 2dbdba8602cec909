// "Why this label": per-gene contributions sum to CellTypist's decision scores (fixture
// decision_matrix.csv), are ranked as asked, and binary models use [-s, s].
#include "predict/contributions.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "model/pickle_reader.hpp"
#include "predict/make_unique.hpp"
#include "support/fixtures.hpp"

namespace ct::predict {
namespace {

using testing::shared_path;

model::Model load(const std::string& rel) {
    const auto bytes = testing::read_bytes(shared_path("fixtures/" + rel));
    return model::read_model(bytes.data(), bytes.size());
}

const testing::H5ad& query() {
    static const testing::H5ad q =
        testing::read_h5ad(shared_path("fixtures/synthetic/query_1k.h5ad"));
    return q;
}

struct Row {
    const float* data;
    const std::int32_t* indices;
    std::size_t nnz;
};

Row row(std::size_t i) {
    const auto& X = query().X;
    const auto lo = static_cast<std::size_t>(X.indptr[i]);
    return {X.data.data() + lo, X.indices.data() + lo,
            static_cast<std::size_t>(X.indptr[i + 1]) - lo};
}

void expect_sums_to_decision(const std::string& model_file, const std::string& expected_dir) {
    const model::Model m = load("models/" + model_file);
    const Explainer e(m, make_unique(query().var_names));
    const auto dm = testing::read_csv(
        shared_path("fixtures/expected/" + expected_dir + "/decision_matrix.csv"));
    const auto want = dm.numeric();
    const std::size_t L = dm.header.size();
    ASSERT_EQ(L, m.n_labels());
    for (std::size_t i : {0u, 1u, 17u, 500u, 999u}) {
        const Row r = row(i);
        for (std::size_t c = 0; c < L; ++c) {
            const double d = e.decision(r.data, r.indices, r.nnz, c);
            EXPECT_NEAR(d, want[i * L + c], 1e-9 * std::max(1.0, std::abs(want[i * L + c])))
                << model_file << " cell " << i << " label " << c;
        }
    }
}

TEST(Contributions, SumToCellTypistsDecisionScores) {
    expect_sums_to_decision("toy_lr.pkl", "toy_lr__query_1k/best_match");
    expect_sums_to_decision("toy_sgd.pkl", "toy_sgd__query_1k/best_match");
}

TEST(Contributions, BinaryModelUsesMinusSForTheFirstLabel) {
    expect_sums_to_decision("toy_binary.pkl", "toy_binary__query_1k/best_match");
    const model::Model m = load("models/toy_binary.pkl");
    const Explainer e(m, make_unique(query().var_names));
    const Row r = row(3);
    const auto a = e.top(r.data, r.indices, r.nnz, 0, {5, false});
    const auto b = e.top(r.data, r.indices, r.nnz, 1, {5, false});
    ASSERT_EQ(a.size(), 5u);
    for (std::size_t k = 0; k < a.size(); ++k) {
        EXPECT_EQ(a[k].feature, b[k].feature);
        EXPECT_DOUBLE_EQ(a[k].contribution, -b[k].contribution);
    }
}

TEST(Contributions, TopGenesAreRankedAndExplainTheWinningLabel) {
    const model::Model m = load("models/toy_lr.pkl");
    const Explainer e(m, make_unique(query().var_names));
    EXPECT_EQ(e.n_features_used(), 1346u);
    const Row r = row(0);
    const auto top = e.top(r.data, r.indices, r.nnz, 2, {10, true});
    ASSERT_EQ(top.size(), 10u);
    for (std::size_t k = 1; k < top.size(); ++k)
        EXPECT_GE(top[k - 1].contribution, top[k].contribution);
    for (const auto& c : top) {
        EXPECT_DOUBLE_EQ(c.contribution, c.coef * c.scaled);
        EXPECT_LE(c.scaled, 10.0);
        EXPECT_DOUBLE_EQ(c.coef, m.coef[2 * m.n_features() + c.feature]);
    }
    // Ranked by |contribution|, the first is at least as large in magnitude as any positive one.
    const auto abs_top = e.top(r.data, r.indices, r.nnz, 2, {1, false});
    EXPECT_GE(std::abs(abs_top[0].contribution), top[0].contribution);
    // top_n larger than the genes used returns them all.
    EXPECT_EQ(e.top(r.data, r.indices, r.nnz, 0, {100000, true}).size(), 1346u);
}

TEST(Contributions, RefusesBadInput) {
    const model::Model m = load("models/toy_lr.pkl");
    EXPECT_THROW(Explainer(m, {"NOPE1", "NOPE2"}), std::invalid_argument);
    const Explainer e(m, make_unique(query().var_names));
    const Row r = row(0);
    EXPECT_THROW(e.top(r.data, r.indices, r.nnz, 6), std::out_of_range);
    const float v = 1.0f;
    const std::int32_t bad = 1 << 20;
    EXPECT_THROW(e.top(&v, &bad, 1, 0), std::out_of_range);
}

}  // namespace
}  // namespace ct::predict
