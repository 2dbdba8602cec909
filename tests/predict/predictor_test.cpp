// Parity of prediction (and majority voting over given clusters) with CellTypist 1.7.1,
// against every expected output in ../shared/fixtures.
#include "predict/predictor.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>

#include "model/pickle_reader.hpp"
#include "predict/labels.hpp"
#include "predict/make_unique.hpp"
#include "support/fixtures.hpp"
#include "voting/majority_vote.hpp"

namespace ct::predict {
namespace {

using testing::read_csv;
using testing::shared_path;

struct Case {
    std::string model;     // under fixtures/
    std::string input;     // under fixtures/
    bool use_raw;          // CellTypist falls back to raw/X for scaled X
    std::string expected;  // directory under fixtures/
    bool prob_match;
    std::string over_clustering;  // obs column, or "" (none / automatic)
    double min_prop;
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.expected; }

model::Model load(const std::string& rel) {
    const auto bytes = testing::read_bytes(shared_path("fixtures/" + rel));
    return model::read_model(bytes.data(), bytes.size());
}

const testing::H5ad& query(const std::string& input, bool use_raw) {
    static std::map<std::string, testing::H5ad> cache;
    const std::string key = input + (use_raw ? "#raw" : "");
    auto it = cache.find(key);
    if (it == cache.end())
        it =
            cache.emplace(key, testing::read_h5ad(shared_path("fixtures/" + input), use_raw)).first;
    return it->second;
}

class Parity : public ::testing::TestWithParam<Case> {};

TEST_P(Parity, MatchesCellTypist) {
    const Case& c = GetParam();
    const model::Model m = load(c.model);
    const testing::H5ad& q = query(c.input, c.use_raw);
    const std::string dir = shared_path("fixtures/" + c.expected + "/");

    Predictor p(m, make_unique(q.var_names));
    const std::size_t n = q.X.n_rows, L = p.n_labels();
    std::vector<double> decision(n * L), probability(n * L);
    // Score in uneven chunks to exercise chunk offsets.
    for (std::size_t start = 0; start < n;) {
        const std::size_t rows = std::min<std::size_t>(start % 2 ? 97 : 256, n - start);
        const auto first = static_cast<std::size_t>(
            q.X.indptr[start]);  // chunk buffers start at its first nonzero
        p.score(q.X.data.data() + first, q.X.indices.data() + first, q.X.indptr.data() + start,
                rows, decision.data() + start * L, probability.data() + start * L);
        start += rows;
    }

    const auto dec = read_csv(dir + "decision_matrix.csv");
    const auto prob = read_csv(dir + "probability_matrix.csv");
    ASSERT_EQ(dec.header, m.labels);
    ASSERT_EQ(dec.index, q.obs_names);
    const auto d_ref = dec.numeric();
    const auto p_ref = prob.numeric();
    ASSERT_EQ(d_ref.size(), decision.size());
    double max_d = 0, max_rel = 0, max_p = 0;
    for (std::size_t i = 0; i < decision.size(); ++i) {
        const double dd = std::fabs(decision[i] - d_ref[i]);
        max_d = std::max(max_d, dd);
        max_rel = std::max(max_rel, dd / std::max(1.0, std::fabs(d_ref[i])));
        max_p = std::max(max_p, std::fabs(probability[i] - p_ref[i]));
    }
    std::printf("[parity] %s: %zu cells, %zu/%zu features, max|dD|=%.3g (rel %.3g), max|dP|=%.3g\n",
                c.expected.c_str(), n, p.n_features_used(), m.n_features(), max_d, max_rel, max_p);
    EXPECT_LE(max_rel, 1e-4);
    EXPECT_LE(max_p, 1e-5);

    std::vector<std::string> labels;
    if (c.prob_match) {
        labels = prob_match(probability.data(), n, m.labels, 0.5);
    } else {
        for (auto i : best_match(decision.data(), n, L))
            labels.push_back(m.labels[static_cast<std::size_t>(i)]);
    }
    const auto table = read_csv(dir + "predicted_labels.csv");
    ASSERT_EQ(table.index, q.obs_names);
    EXPECT_EQ(labels, table.column("predicted_labels"));
    const auto conf = conf_score(probability.data(), n, L);
    const auto conf_ref = table.column("conf_score");
    for (std::size_t i = 0; i < n; ++i)
        ASSERT_NEAR(conf[i], std::stod(conf_ref[i]), 1e-5) << "cell " << i;

    if (!c.over_clustering.empty()) {
        const auto& clusters = q.obs.at(c.over_clustering);
        EXPECT_EQ(clusters, table.column("over_clustering"));
        const auto vote = voting::majority_vote(labels, clusters, {c.min_prop});
        EXPECT_EQ(vote.majority_voting, table.column("majority_voting"));
    }
}

const std::string kQuery = "synthetic/query_1k.h5ad";
const std::string kPbmc = "real/pbmc68k_reduced.h5ad";

INSTANTIATE_TEST_SUITE_P(
    Fixtures, Parity,
    ::testing::Values(
        Case{"models/toy_lr.pkl", kQuery, false, "expected/toy_lr__query_1k/best_match", false, "",
             0},
        Case{"models/toy_lr.pkl", kQuery, false, "expected/toy_lr__query_1k/prob_match_p0.5", true,
             "", 0},
        Case{"models/toy_lr.pkl", kQuery, false,
             "expected/toy_lr__query_1k/majority_voting_given_minprop0.6", false, "given_clusters",
             0.6},
        Case{"models/toy_lr.pkl", kQuery, false,
             "expected/toy_lr__query_1k/majority_voting_given_minprop0", false, "given_clusters",
             0},
        Case{"models/toy_lr.pkl", kQuery, false,
             "expected/toy_lr__query_1k/prob_match_p0.5_majority_voting_given_minprop0.6", true,
             "given_clusters", 0.6},
        Case{"models/toy_lr.pkl", kQuery, false, "expected/toy_lr__query_1k/majority_voting_auto",
             false, "", 0},
        Case{"models/toy_lr_numpy2.pkl", kQuery, false, "expected/toy_lr__query_1k/best_match",
             false, "", 0},
        Case{"models/toy_lr_numpy2.pkl", kQuery, false, "expected/toy_lr__query_1k/prob_match_p0.5",
             true, "", 0},
        Case{"models/toy_lr_fs.pkl", kQuery, false, "expected/toy_lr_fs__query_1k/best_match",
             false, "", 0},
        Case{"models/toy_sgd.pkl", kQuery, false, "expected/toy_sgd__query_1k/best_match", false,
             "", 0},
        Case{"models/toy_sgd.pkl", kQuery, false, "expected/toy_sgd__query_1k/prob_match_p0.5",
             true, "", 0},
        Case{"models/toy_binary.pkl", kQuery, false, "expected/toy_binary__query_1k/best_match",
             false, "", 0},
        Case{"models/toy_binary.pkl", kQuery, false,
             "expected/toy_binary__query_1k/prob_match_p0.5", true, "", 0},
        Case{"models/pbmc68k_bulk.pkl", kPbmc, true,
             "real/expected/pbmc68k_bulk__pbmc68k_reduced/best_match", false, "", 0},
        Case{"models/pbmc68k_bulk.pkl", kPbmc, true,
             "real/expected/pbmc68k_bulk__pbmc68k_reduced/majority_voting_louvain", false,
             "louvain", 0},
        Case{"models/pbmc68k_bulk.pkl", kPbmc, true,
             "real/expected/pbmc68k_bulk__pbmc68k_reduced/majority_voting_auto", false, "", 0}));

// A tiny hand-checkable model: 3 labels, 2 features.
model::Model tiny() {
    model::Model m;
    m.labels = {"A", "B", "C"};
    m.features = {"g1", "g2"};
    m.coef = {1, 0, 0, 1, -1, -1};
    m.intercept = {0, 0, 0.5};
    m.scaler_mean = {1, 2};
    m.scaler_scale = {2, 0.1};
    return m;
}

TEST(Predictor, GenesOutOfOrderAndExtraGenesGiveSameScores) {
    const auto m = tiny();
    // query: x, g2, g1 ; cell values g1=3, g2=2.5
    Predictor a(m, {"g1", "g2"});
    Predictor b(m, {"x", "g2", "g1"});
    EXPECT_EQ(b.n_features_used(), 2u);
    const float da[] = {3.0f, 2.5f};
    const std::int32_t ia[] = {0, 1};
    const float db[] = {7.0f, 2.5f, 3.0f};
    const std::int32_t ib[] = {0, 1, 2};
    const std::int64_t ptr_a[] = {0, 2}, ptr_b[] = {0, 3};
    double sa[3], sb[3];
    a.score(da, ia, ptr_a, 1, sa, nullptr);
    b.score(db, ib, ptr_b, 1, sb, nullptr);
    // g1 -> (3-1)/2 = 1 ; g2 -> (2.5-2)/0.1 = 5
    EXPECT_DOUBLE_EQ(sa[0], 1.0);
    EXPECT_DOUBLE_EQ(sa[1], 5.0);
    EXPECT_DOUBLE_EQ(sa[2], -5.5);
    for (int c = 0; c < 3; ++c) EXPECT_DOUBLE_EQ(sa[c], sb[c]);
}

TEST(Predictor, ClipsAboveTenAndZerosUseMinusMeanOverScale) {
    const auto m = tiny();
    Predictor p(m, {"g1", "g2"});
    const float d[] = {100.0f};  // only g2: (100-2)/0.1 = 980 -> clipped to 10
    const std::int32_t i[] = {1};
    const std::int64_t ptr[] = {0, 1};
    double s[3];
    p.score(d, i, ptr, 1, s, nullptr);
    // g1 zero -> (0-1)/2 = -0.5
    EXPECT_DOUBLE_EQ(s[0], -0.5);
    EXPECT_DOUBLE_EQ(s[1], 10.0);
    EXPECT_DOUBLE_EQ(s[2], 0.5 - (-0.5) - 10.0);
}

TEST(Predictor, MissingModelGenesAreDroppedNotZeroFilled) {
    const auto m = tiny();
    Predictor p(m, {"g1"});
    EXPECT_EQ(p.n_features_used(), 1u);
    const std::int64_t ptr[] = {0, 0};
    double s[3];
    p.score(nullptr, nullptr, ptr, 1, s, nullptr);
    EXPECT_DOUBLE_EQ(s[0], -0.5);
    EXPECT_DOUBLE_EQ(s[1], 0.0);  // g2 absent: no contribution at all
    EXPECT_DOUBLE_EQ(s[2], 0.5 + 0.5);
}

TEST(Predictor, NoOverlapIsAClearError) {
    const auto m = tiny();
    try {
        Predictor p(m, {"ENSG000001", "ENSG000002"});
        FAIL() << "expected an error";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("no gene of the data matches"), std::string::npos)
            << e.what();
    }
}

TEST(Predictor, EmptyInputAndBadIndices) {
    const auto m = tiny();
    Predictor p(m, {"g1", "g2"});
    const std::int64_t ptr0[] = {0};
    p.score(nullptr, nullptr, ptr0, 0, nullptr, nullptr);  // zero cells is fine
    const float d[] = {1.0f};
    const std::int32_t bad[] = {5};
    const std::int64_t ptr[] = {0, 1};
    double s[3];
    EXPECT_THROW(p.score(d, bad, ptr, 1, s, nullptr), std::invalid_argument);
}

TEST(Predictor, DuplicateGeneNamesAreMadeUniqueFirst) {
    const auto m = tiny();
    const auto names = make_unique({"g1", "g1", "g2"});
    ASSERT_EQ(names, (std::vector<std::string>{"g1", "g1-1", "g2"}));
    Predictor p(m, names);
    EXPECT_EQ(p.n_features_used(), 2u);  // the first g1 is used, as CellTypist after make_unique
}

/// CellTypist's formula with one accumulator per label, summed nonzero by nonzero (the plain
/// loop Predictor::score had before its label panels): the exact bits to reproduce.
std::vector<double> plain_decision(const model::Model& m, const std::vector<std::string>& genes,
                                   const std::vector<float>& data,
                                   const std::vector<std::int32_t>& indices,
                                   const std::vector<std::int64_t>& indptr) {
    const std::size_t F = m.n_features(), R = m.coef_rows();
    std::map<std::string, std::size_t> index;
    for (std::size_t f = F; f-- > 0;) index[m.features[f]] = f;  // first occurrence wins
    std::vector<std::int32_t> col(genes.size(), -1);
    for (std::size_t j = 0; j < genes.size(); ++j) {
        const auto it = index.find(genes[j]);
        if (it != index.end()) col[j] = static_cast<std::int32_t>(it->second);
    }
    auto zero = [&](std::size_t f) { return std::min((0.0 - m.scaler_mean[f]) / m.scaler_scale[f], 10.0); };
    std::vector<double> offset(m.intercept.begin(), m.intercept.end());
    for (std::size_t j = 0; j < genes.size(); ++j) {
        if (col[j] < 0) continue;
        const auto f = static_cast<std::size_t>(col[j]);
        for (std::size_t c = 0; c < R; ++c) offset[c] += zero(f) * m.coef[c * F + f];
    }
    const std::size_t n = indptr.size() - 1;
    std::vector<double> out(n * R);
    for (std::size_t r = 0; r < n; ++r) {
        std::vector<double> acc(offset);
        for (auto k = indptr[r]; k < indptr[r + 1]; ++k) {
            const auto j = static_cast<std::size_t>(indices[static_cast<std::size_t>(k)]);
            if (col[j] < 0) continue;
            const auto f = static_cast<std::size_t>(col[j]);
            const double xs = std::min(
                (static_cast<double>(data[static_cast<std::size_t>(k)]) - m.scaler_mean[f]) /
                    m.scaler_scale[f],
                10.0);
            for (std::size_t c = 0; c < R; ++c) acc[c] += (xs - zero(f)) * m.coef[c * F + f];
        }
        std::copy(acc.begin(), acc.end(), out.begin() + static_cast<std::ptrdiff_t>(r * R));
    }
    return out;
}

TEST(Predictor, BitIdenticalToThePlainSumForManyLabelsSlabsAndRowBlocks) {
    std::mt19937_64 rng(5);
    std::normal_distribution<double> g(0, 1);
    for (std::size_t L : {2u, 5u, 37u, 98u}) {
        model::Model m;
        const std::size_t F = 5000;  // ~2,500 used: 3 slabs of genes
        for (std::size_t c = 0; c < L; ++c) m.labels.push_back("T" + std::to_string(c));
        for (std::size_t f = 0; f < F; ++f) m.features.push_back("G" + std::to_string(f));
        m.coef.resize((L == 2 ? 1 : L) * F);
        for (auto& x : m.coef) x = g(rng);
        m.intercept.resize(L == 2 ? 1 : L);
        for (auto& x : m.intercept) x = g(rng);
        for (std::size_t f = 0; f < F; ++f) {
            m.scaler_mean.push_back(std::fabs(g(rng)));
            m.scaler_scale.push_back(0.05 + std::fabs(g(rng)));
        }
        // Query: a shuffled subset of the model genes plus unknown genes.
        std::vector<std::string> genes;
        for (std::size_t f = 0; f < F; f += 1 + f % 3) genes.push_back("G" + std::to_string(f));
        for (int x = 0; x < 40; ++x) genes.push_back("X" + std::to_string(x));
        std::shuffle(genes.begin(), genes.end(), rng);
        // 900 cells x ~380 used nonzeros: more pairs than one row block holds.
        std::vector<float> data;
        std::vector<std::int32_t> indices;
        std::vector<std::int64_t> indptr{0};
        std::uniform_real_distribution<double> u(0, 1);
        for (int r = 0; r < 900; ++r) {
            for (std::size_t j = 0; j < genes.size(); ++j) {
                if (u(rng) < 0.15) {
                    data.push_back(static_cast<float>(u(rng) * 40));  // some clip at 10
                    indices.push_back(static_cast<std::int32_t>(j));
                }
            }
            indptr.push_back(static_cast<std::int64_t>(data.size()));
        }
        Predictor p(m, genes);
        std::vector<double> d(900 * L), pr(900 * L), pr_only(900 * L);
        p.score(data.data(), indices.data(), indptr.data(), 900, d.data(), pr.data());
        p.score(data.data(), indices.data(), indptr.data(), 900, nullptr, pr_only.data());
        const auto ref = plain_decision(m, genes, data, indices, indptr);
        for (std::size_t r = 0; r < 900; ++r) {
            for (std::size_t c = 0; c < L; ++c) {
                const double want = L == 2 ? (c == 0 ? -ref[r] : ref[r]) : ref[r * L + c];
                ASSERT_EQ(d[r * L + c], want) << L << " labels, cell " << r << ", label " << c;
                ASSERT_EQ(pr[r * L + c], 1.0 / (1.0 + std::exp(-want)));
                ASSERT_EQ(pr_only[r * L + c], pr[r * L + c]);
            }
        }
    }
}

}  // namespace
}  // namespace ct::predict
