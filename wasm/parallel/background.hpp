#pragma once
/// @file background.hpp
/// Tasks on background threads, so the caller can do other work meanwhile (the engine reads the
/// next chunk of a file while the previous one is scored). Where threads do not exist (the
/// SIMD-only wasm build) the tasks run inline in start(): same results, no overlap.

#include <thread>
#include <atomic>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <vector>

#ifdef __EMSCRIPTEN_PTHREADS__
#include <emscripten/threading.h>
#endif

namespace ct::parallel {

#if !defined(__EMSCRIPTEN__) || defined(__EMSCRIPTEN_PTHREADS__)
inline constexpr bool kHasThreads = true;
#else
inline constexpr bool kHasThreads = false;
#endif

/// Runs a batch of tasks, each on its own thread started by the caller (never by another
/// pthread: in wasm a pthread's thread creation waits for the main thread, which may be blocked).
class Background {
  public:
    Background() = default;
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;
    /// Waits for running tasks: they may use memory their owner is about to free.
    ~Background() { wait(); }

    /// Runs `task(t)` for t in [0, n_tasks), after the previous batch has finished. Tasks must
    /// not throw (report errors through their captures).
    template <class Fn>
    void start(std::size_t n_tasks, const Fn& task) {
        wait();
        started_ = n_tasks;
        finished_ = 0;
        for (std::size_t t = 0; t < n_tasks; ++t) {
            if constexpr (kHasThreads) {
                threads_.emplace_back([this, task, t] {
                    task(t);
                    ++finished_;
                    wake();
                });
            } else {
                task(t);
                ++finished_;
            }
        }
    }

    /// Whether every task of the last batch has finished (then wait() returns at once). Lets
    /// a caller that must not block (a JS event loop) poll instead of waiting.
    bool done() const { return finished_ == started_; }

    /// The address of the count of finished tasks (a 32-bit word in wasm): a JS event loop can
    /// wait for it to change (Atomics.waitAsync) instead of polling done() on a timer; every
    /// finished task wakes such waiters.
    const void* finished_address() const { return &finished_; }

    /// Returns once the last batch has finished (at once when none runs).
    void wait() {
        for (auto& th : threads_) th.join();
        threads_.clear();
    }

  private:
    void wake() {
#ifdef __EMSCRIPTEN_PTHREADS__
        emscripten_futex_wake(&finished_, INT_MAX);
#endif
    }

    std::vector<std::thread> threads_;
    std::size_t started_ = 0;
    std::atomic<std::size_t> finished_{0};
#ifdef __EMSCRIPTEN__
    static_assert(sizeof(std::atomic<std::size_t>) == 4, "JS waits on finished_ as an int32");
#endif
};

}  // namespace ct::parallel
