#include "parallel/background.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
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

TEST(Background, ThreadsServeBatchAfterBatch) {
    // The same threads run every batch (started once), batches of any size up to the largest.
    Background bg;
    std::mutex m;
    std::set<std::thread::id> ids;
    std::atomic<int> total{0};
    for (std::size_t batch = 0; batch < 200; ++batch) {
        const std::size_t n = 1 + batch % 3;
        bg.start(n, [&](std::size_t) {
            total++;
            std::lock_guard<std::mutex> lock(m);
            ids.insert(std::this_thread::get_id());
        });
        if (batch % 2)
            bg.wait();
        else
            while (!bg.done()) std::this_thread::yield();
    }
    bg.wait();
    EXPECT_EQ(total, 200 / 3 * 6 + 1 + 2);  // 66 full cycles of 1 + 2 + 3 tasks, then 1 + 2
    EXPECT_LE(ids.size(), 3u);
    EXPECT_NE(ids.count(std::this_thread::get_id()), 1u);
}

}  // namespace
}  // namespace ct::parallel
