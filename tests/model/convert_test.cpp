#include "model/convert.hpp"

#include <gtest/gtest.h>

#include <string>

#include "model/pickle_reader.hpp"
#include "support/fixtures.hpp"

namespace ct::model {
namespace {

Model small_model() {
    Model m;
    m.labels = {"x", "y", "z"};
    m.features = {"A", "B", "C", "D"};
    m.coef = {1, 2, 3, 4, 10, 20, 30, 40, 100, 200, 300, 400};
    m.intercept = {0, 0, 0};
    m.scaler_mean = {0.1, 0.2, 0.3, 0.4};
    m.scaler_scale = {1, 2, 3, 4};
    m.scaler_var = {1, 4, 9, 16};
    return m;
}

TEST(ParseGeneMap, DropsMissingValuesAndHandlesQuotes) {
    const std::string text = "A,a\nB,\n\"C,1\",c\r\nNA,d\n\nE,\"e\"\"\"\n";
    const auto rows = parse_gene_map(text.data(), text.size());
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[1], GeneMapRow("C,1", "c"));
    EXPECT_EQ(rows[2], GeneMapRow("E", "e\""));
    const std::string bad = "A,b,c\n";
    EXPECT_THROW(parse_gene_map(bad.data(), bad.size()), std::invalid_argument);
}

TEST(ConvertModel, KeepsOneToOneOrthologsInTableOrder) {
    // B maps to two genes and c is reached from C only once the row from X (not a model gene)
    // is filtered out; the duplicated (D, d) row counts once.
    const std::vector<GeneMapRow> map = {{"D", "d"},  {"B", "b1"}, {"X", "c"}, {"C", "c"},
                                         {"B", "b2"}, {"D", "d"},  {"A", "a"}};
    const auto r = convert_model(small_model(), map);
    EXPECT_EQ(r.convert_from, 0);
    EXPECT_EQ(r.model.features, (std::vector<std::string>{"d", "c", "a"}));
    EXPECT_EQ(r.model.coef, (std::vector<double>{4, 3, 1, 40, 30, 10, 400, 300, 100}));
    EXPECT_EQ(r.model.scaler_mean, (std::vector<double>{0.4, 0.3, 0.1}));
    EXPECT_EQ(r.model.scaler_scale, (std::vector<double>{4, 3, 1}));
    EXPECT_EQ(r.model.scaler_var, (std::vector<double>{16, 9, 1}));
    EXPECT_EQ(r.model.labels, small_model().labels);
}

TEST(ConvertModel, AveragesOneToManyWhenNotUniqueOnly) {
    const std::vector<GeneMapRow> map = {{"A", "ab"}, {"B", "ab"}, {"C", "c"}, {"C", "c2"}};
    ConvertOptions o;
    o.unique_only = false;
    const auto r = convert_model(small_model(), map, o);
    EXPECT_EQ(r.model.features,
              (std::vector<std::string>{"ab", "c", "c2"}));  // sorted, as np.unique
    EXPECT_EQ(r.model.coef, (std::vector<double>{1.5, 3, 3, 15, 30, 30, 150, 300, 300}));
    EXPECT_DOUBLE_EQ(r.model.scaler_mean[0], 0.15000000000000002);
}

TEST(ConvertModel, DetectsTheDirectionAndRefusesAnUnrelatedMap) {
    const std::vector<GeneMapRow> reversed = {{"a", "A"}, {"c", "C"}};
    const auto r = convert_model(small_model(), reversed);
    EXPECT_EQ(r.convert_from, 1);
    EXPECT_EQ(r.model.features, (std::vector<std::string>{"a", "c"}));
    const std::vector<GeneMapRow> unrelated = {{"p", "q"}};
    EXPECT_THROW(convert_model(small_model(), unrelated), std::invalid_argument);
}

TEST(ConvertModel, MatchesCellTypistOnTheRealModel) {
    const auto bytes =
        ct::testing::read_bytes(ct::testing::shared_path("fixtures/models/pbmc68k_bulk.pkl"));
    const Model m = read_model(bytes.data(), bytes.size());
    const auto table =
        ct::testing::read_bytes(ct::testing::shared_path("genes/Ensembl105_Human2Mouse_Genes.csv"));
    const auto map = parse_gene_map(reinterpret_cast<const char*>(table.data()), table.size());
    const auto r = convert_model(m, map);
    const auto want_bytes = ct::testing::read_bytes(ct::testing::shared_path(
        "fixtures/real/expected/pbmc68k_bulk_to_mouse__pbmc68k_mouse_genes/converted_model.pkl"));
    const Model want = read_model(want_bytes.data(), want_bytes.size());
    ASSERT_EQ(r.model.n_features(), 612u);
    EXPECT_EQ(r.model.features, want.features);
    EXPECT_EQ(r.model.labels, want.labels);
    EXPECT_EQ(r.model.coef, want.coef);
    EXPECT_EQ(r.model.intercept, want.intercept);
    EXPECT_EQ(r.model.scaler_mean, want.scaler_mean);
    EXPECT_EQ(r.model.scaler_scale, want.scaler_scale);
    EXPECT_EQ(r.model.scaler_var, want.scaler_var);
}

}  // namespace
}  // namespace ct::model
