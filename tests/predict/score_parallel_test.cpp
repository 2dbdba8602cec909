#include "predict/score_parallel.hpp"

#include <gtest/gtest.h>

#include "model/pickle_reader.hpp"
#include "predict/make_unique.hpp"
#include "support/fixtures.hpp"

namespace ct::predict {
namespace {

TEST(ScoreParallel, IdenticalToSingleThreadForAnyThreadCount) {
    const auto bytes = testing::read_bytes(testing::shared_path("fixtures/models/toy_lr.pkl"));
    const auto m = model::read_model(bytes.data(), bytes.size());
    const auto q = testing::read_h5ad(testing::shared_path("fixtures/synthetic/query_1k.h5ad"));
    Predictor p(m, make_unique(q.var_names));
    const std::size_t n = q.X.n_rows, L = p.n_labels();
    std::vector<double> ref(n * L), refp(n * L);
    p.score(q.X.data.data(), q.X.indices.data(), q.X.indptr.data(), n, ref.data(), refp.data());
    for (std::size_t threads : {2u, 3u, 8u}) {
        std::vector<double> d(n * L), pr(n * L);
        score_parallel(p, q.X.data.data(), q.X.indices.data(), q.X.indptr.data(), n, d.data(),
                       pr.data(), {threads, 16});
        EXPECT_EQ(d, ref) << threads << " threads";
        EXPECT_EQ(pr, refp) << threads << " threads";
    }
}

TEST(ScoreParallel, ErrorsFromWorkerThreadsPropagate) {
    model::Model m;
    m.labels = {"A", "B", "C"};
    m.features = {"g"};
    m.coef = {1, 2, 3};
    m.intercept = {0, 0, 0};
    m.scaler_mean = {0};
    m.scaler_scale = {1};
    Predictor p(m, {"g"});
    std::vector<float> data(1000, 1.0f);
    std::vector<std::int32_t> idx(1000, 0);
    idx[999] = 7;  // out of range, in the last thread's block
    std::vector<std::int64_t> ptr(1001);
    for (std::size_t i = 0; i <= 1000; ++i) ptr[i] = static_cast<std::int64_t>(i);
    std::vector<double> d(3000);
    EXPECT_THROW(
        score_parallel(p, data.data(), idx.data(), ptr.data(), 1000, d.data(), nullptr, {4, 10}),
        std::invalid_argument);
}

}  // namespace
}  // namespace ct::predict
