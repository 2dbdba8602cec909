#include "predict/make_unique.hpp"

#include <gtest/gtest.h>

namespace ct::predict {
namespace {

TEST(MakeUnique, UniqueNamesAreUnchanged) {
    std::size_t n = 9;
    EXPECT_EQ(make_unique({"A", "B"}, &n), (std::vector<std::string>{"A", "B"}));
    EXPECT_EQ(n, 0u);
}

TEST(MakeUnique, DuplicatesGetSuffixesLikeAnndata) {
    std::size_t n = 0;
    EXPECT_EQ(make_unique({"A", "A", "B", "A"}, &n),
              (std::vector<std::string>{"A", "A-1", "B", "A-2"}));
    EXPECT_EQ(n, 2u);
}

TEST(MakeUnique, SkipsCandidatesThatAlreadyExist) {
    EXPECT_EQ(make_unique({"A", "A", "A-1"}), (std::vector<std::string>{"A", "A-2", "A-1"}));
}

}  // namespace
}  // namespace ct::predict
