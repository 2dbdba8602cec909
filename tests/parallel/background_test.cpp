#include "parallel/background.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace ct::parallel {
namespace {

TEST(Background, RunsTasksInOrderAndWaitSeesTheirResults) {
    Background bg;
    std::vector<int> seen;
    for (int i = 0; i < 5; ++i) {
        bg.start(1, [&seen, i](std::size_t) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            seen.push_back(i);  // start() waits for the previous batch: no two run at once
        });
    }
    bg.wait();
    EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3, 4}));
    bg.wait();  // nothing running: returns at once
}

TEST(Background, RunsOnAnotherThreadWhileTheCallerWorks) {
    Background bg;
    std::atomic<bool> release{false};
    std::atomic<bool> done{false};
    bg.start(1, [&](std::size_t) {
        while (!release) std::this_thread::yield();
        done = true;
    });
    // start() returned while the task still waits for us.
    EXPECT_FALSE(done);
    EXPECT_FALSE(bg.done());
    release = true;
    while (!bg.done()) std::this_thread::yield();  // polling, as the JS side does
    EXPECT_TRUE(done);
    bg.wait();
}

TEST(Background, ABatchRunsEveryTaskOnce) {
    Background bg;
    std::vector<std::atomic<int>> runs(5);
    bg.start(5, [&](std::size_t t) { runs[t]++; });
    bg.wait();
    for (auto& r : runs) EXPECT_EQ(r, 1);
    EXPECT_TRUE(bg.done());
    bg.start(0, [&](std::size_t) { FAIL(); });
    EXPECT_TRUE(bg.done());
    bg.wait();
}

TEST(Background, DestructorWaitsForTheTask) {
    std::atomic<bool> done{false};
    {
        Background bg;
        bg.start(1, [&](std::size_t) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            done = true;
        });
    }
    EXPECT_TRUE(done);
}

}  // namespace
}  // namespace ct::parallel
