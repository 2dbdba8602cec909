#include "predict/labels.hpp"

#include <gtest/gtest.h>

namespace ct::predict {
namespace {

TEST(Labels, BestMatchTakesFirstMaximum) {
    const double d[] = {1, 3, 3, -1, -2, -0.5};
    EXPECT_EQ(best_match(d, 2, 3), (std::vector<std::int32_t>{1, 2}));
}

TEST(Labels, ProbMatchJoinsInLabelOrderOrUnassigned) {
    const double p[] = {0.9, 0.2, 0.7, 0.5, 0.1, 0.4};
    const auto l = prob_match(p, 2, {"A", "B", "C"}, 0.5);
    EXPECT_EQ(l[0], "A|C");
    EXPECT_EQ(l[1], "Unassigned");  // 0.5 is not > 0.5
}

TEST(Labels, ConfScoreIsMaxProbability) {
    const double p[] = {0.9, 0.2, 0.7, 0.5, 0.1, 0.4};
    EXPECT_EQ(conf_score(p, 2, 3), (std::vector<double>{0.9, 0.5}));
}

TEST(Labels, ConfScoreOfVotedLabelElseMax) {
    const double p[] = {0.9, 0.2, 0.7, 0.5, 0.1, 0.4};
    EXPECT_EQ(conf_score_of(p, 2, {"A", "B", "C"}, {"C", "Heterogeneous"}),
              (std::vector<double>{0.7, 0.5}));
    EXPECT_THROW(conf_score_of(p, 2, {"A", "B", "C"}, {"C"}), std::invalid_argument);
}

}  // namespace
}  // namespace ct::predict
