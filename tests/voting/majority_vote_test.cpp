#include "voting/majority_vote.hpp"

#include <gtest/gtest.h>

namespace ct::voting {
namespace {

TEST(MajorityVote, MostFrequentLabelWinsPerCluster) {
    const auto r = majority_vote({"T", "T", "B", "B", "B", "NK"}, {"0", "0", "0", "1", "1", "1"});
    EXPECT_EQ(r.majority_voting, (std::vector<std::string>{"T", "T", "T", "B", "B", "B"}));
    EXPECT_EQ(r.clusters, (std::vector<std::string>{"0", "1"}));
    EXPECT_NEAR(r.share[0], 2.0 / 3.0, 1e-15);
}

TEST(MajorityVote, TiesGoToTheLabelThatSortsFirst) {
    // pandas crosstab sorts labels; idxmax returns the first maximum.
    const auto r = majority_vote({"b", "a", "B"}, {"x", "x", "x"});
    EXPECT_EQ(r.winner[0], "B");  // 'B' < 'a' < 'b' in code-point order
}

TEST(MajorityVote, BelowMinPropIsHeterogeneous) {
    const auto r =
        majority_vote({"A", "A", "B", "C", "A", "A"}, {"1", "1", "1", "1", "2", "2"}, {0.6});
    EXPECT_EQ(r.majority_voting,
              (std::vector<std::string>{"Heterogeneous", "Heterogeneous", "Heterogeneous",
                                        "Heterogeneous", "A", "A"}));
    const auto exact = majority_vote({"A", "A", "B", "C", "D"}, {"1", "1", "1", "1", "1"}, {0.4});
    EXPECT_EQ(exact.winner[0], "A");  // share 0.4 is not below 0.4
}

TEST(MajorityVote, LengthMismatchIsAnError) {
    EXPECT_THROW(majority_vote({"A"}, {"1", "2"}), std::invalid_argument);
}

TEST(MajorityVote, EmptyInput) {
    const auto r = majority_vote({}, {});
    EXPECT_TRUE(r.majority_voting.empty());
    EXPECT_TRUE(r.clusters.empty());
}

}  // namespace
}  // namespace ct::voting
