#include "model/subset.hpp"

#include <gtest/gtest.h>

#include "model/pickle_reader.hpp"
#include "predict/predictor.hpp"
#include "support/fixtures.hpp"

namespace ct::model {
namespace {

TEST(SubsetModel, KeepsTheRowsAndScoresOfTheChosenTypes) {
    const auto bytes =
        ct::testing::read_bytes(ct::testing::shared_path("fixtures/models/toy_lr.pkl"));
    const Model m = read_model(bytes.data(), bytes.size());
    const Model s = subset_model(m, {"NK cells", "B cells", "Platelets"});
    EXPECT_EQ(s.labels,
              (std::vector<std::string>{"B cells", "NK cells", "Platelets"}));  // model order
    EXPECT_EQ(s.description.number_celltypes, 3);
    // Decision scores of the kept types are unchanged.
    const auto q =
        ct::testing::read_h5ad(ct::testing::shared_path("fixtures/synthetic/query_1k.h5ad"));
    const predict::Predictor full(m, q.var_names), part(s, q.var_names);
    std::vector<double> a(q.X.n_rows * 6), b(q.X.n_rows * 3);
    full.score(q.X.data.data(), q.X.indices.data(), q.X.indptr.data(), q.X.n_rows, a.data(),
               nullptr);
    part.score(q.X.data.data(), q.X.indices.data(), q.X.indptr.data(), q.X.n_rows, b.data(),
               nullptr);
    for (std::size_t i = 0; i < q.X.n_rows; ++i) {
        EXPECT_EQ(b[i * 3 + 0], a[i * 6 + 0]);
        EXPECT_EQ(b[i * 3 + 1], a[i * 6 + 4]);
        EXPECT_EQ(b[i * 3 + 2], a[i * 6 + 5]);
    }
    EXPECT_THROW(subset_model(m, {"B cells", "NK cells"}), std::invalid_argument);
    EXPECT_THROW(subset_model(m, {"B cells", "NK cells", "Martians"}), std::invalid_argument);
}

}  // namespace
}  // namespace ct::model
