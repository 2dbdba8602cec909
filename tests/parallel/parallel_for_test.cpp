#include "parallel/parallel_for.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

namespace ct::parallel {
namespace {

TEST(ParallelFor, VisitsEveryIndexExactlyOnce) {
    for (std::size_t threads : {1u, 2u, 3u, 8u}) {
        std::vector<int> seen(1001, 0);
        parallel_for(seen.size(), threads, [&](std::size_t lo, std::size_t hi, std::size_t) {
            for (std::size_t i = lo; i < hi; ++i) ++seen[i];
        });
        for (int s : seen) ASSERT_EQ(s, 1);
    }
}

TEST(ParallelFor, SmallWorkStaysOnOneThread) {
    std::atomic<std::size_t> max_thread{0};
    parallel_for(
        100, 4,
        [&](std::size_t, std::size_t, std::size_t t) {
            std::size_t cur = max_thread.load();
            while (t > cur && !max_thread.compare_exchange_weak(cur, t)) {
            }
        },
        256);
    EXPECT_EQ(max_thread.load(), 0u);
}

TEST(ParallelFor, RethrowsAWorkerException) {
    EXPECT_THROW(parallel_for(1000, 2,
                              [&](std::size_t lo, std::size_t, std::size_t) {
                                  if (lo > 0) throw std::runtime_error("boom");
                              }),
                 std::runtime_error);
}

TEST(ParallelFor, EmptyRangeDoesNothing) {
    bool called = false;
    parallel_for(0, 4, [&](std::size_t, std::size_t, std::size_t) { called = true; });
    EXPECT_FALSE(called);
}

}  // namespace
}  // namespace ct::parallel
