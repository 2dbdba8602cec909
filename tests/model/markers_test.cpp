#include "model/markers.hpp"

#include <gtest/gtest.h>

namespace ct::model {
namespace {

Model tiny(bool binary) {
    Model m;
    m.features = {"g1", "g2", "g3"};
    if (binary) {
        m.labels = {"A", "B"};
        m.coef = {0.5, -2.0, 1.0};
        m.intercept = {0};
    } else {
        m.labels = {"A", "B"};
        m.labels.push_back("C");
        m.coef = {0.5, -2.0, 1.0, 3, 2, 1, 0, 0, 0};
        m.intercept = {0, 0, 0};
    }
    return m;
}

TEST(Markers, RanksBySignedOrAbsoluteCoefficient) {
    const Model m = tiny(false);
    EXPECT_EQ(top_markers(m, "A", {2, true}), (std::vector<std::string>{"g3", "g1"}));
    EXPECT_EQ(top_markers(m, "A", {2, false}), (std::vector<std::string>{"g2", "g3"}));
    EXPECT_EQ(top_markers(m, "B", {10, true}).size(), 3u);
}

TEST(Markers, BinaryModelFirstClassIsNegatedRow) {
    const Model m = tiny(true);
    EXPECT_EQ(top_markers(m, "B", {1, true}), (std::vector<std::string>{"g3"}));
    EXPECT_EQ(top_markers(m, "A", {1, true}), (std::vector<std::string>{"g2"}));
}

TEST(Markers, UnknownCellType) {
    EXPECT_THROW(top_markers(tiny(false), "Z"), std::invalid_argument);
}

}  // namespace
}  // namespace ct::model
