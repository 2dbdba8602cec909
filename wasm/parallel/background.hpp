#pragma once
/// @file background.hpp
/// Tasks on background threads, so the caller can do other work meanwhile (the engine reads the
/// next chunk of a file while the previous one is scored). Where threads do not exist (the
/// SIMD-only wasm build) the tasks run inline in start(): same results, no overlap.

#include <atomic>
#include <climits>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
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

/// Runs batches of tasks on threads that live as long as the Background: a batch's task t runs
/// on thread t, which then waits for the next batch. Starting a wasm pthread costs a message
/// round trip through the main thread and a thread setup in the worker (~1 ms): once per batch
/// of a 30-chunk run that was ~0.1 s of CPU. Threads are started by the caller only (never by
/// another pthread: in wasm a pthread's thread creation waits for the main thread, which may be
/// blocked).
class Background {
  public:
    Background() = default;
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;
    /// Waits for running tasks (they may use memory their owner is about to free), then ends the
    /// threads.
    ~Background() {
        wait();
        if constexpr (kHasThreads) {
            {
                std::lock_guard<std::mutex> lock(mutex_);
                stop_ = true;
            }
            next_.notify_all();
            for (auto& th : threads_) th.join();
        }
    }

    /// Runs `task(t)` for t in [0, n_tasks), after the previous batch has finished. Tasks must
    /// not throw (report errors through their captures).
    template <class Fn>
    void start(std::size_t n_tasks, const Fn& task) {
        wait();
        started_ = n_tasks;
        finished_ = 0;
        if constexpr (kHasThreads) {
            if (n_tasks == 0) return;
            task_ = task;
            while (threads_.size() < n_tasks) {
                const std::size_t t = threads_.size();
                threads_.emplace_back([this, t] { serve(t); });
            }
            {
                std::lock_guard<std::mutex> lock(mutex_);
                batch_size_ = n_tasks;
                ++batch_;
            }
            next_.notify_all();
        } else {
            for (std::size_t t = 0; t < n_tasks; ++t) {
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
        if constexpr (kHasThreads) {
            std::unique_lock<std::mutex> lock(mutex_);
            finished_cv_.wait(lock, [this] { return done(); });
        }
    }

  private:
    /// Thread t: runs its task of each batch that has one, until the Background ends.
    void serve(std::size_t t) {
        std::uint64_t seen = 0;
        for (;;) {
            {
                std::unique_lock<std::mutex> lock(mutex_);
                next_.wait(lock, [&] { return stop_ || batch_ != seen; });
                if (stop_) return;
                seen = batch_;
                if (t >= batch_size_) continue;  // this batch has fewer tasks than threads
            }
            task_(t);
            {
                std::lock_guard<std::mutex> lock(mutex_);
                ++finished_;
            }
            finished_cv_.notify_all();
            wake();
        }
    }

    void wake() {
#ifdef __EMSCRIPTEN_PTHREADS__
        emscripten_futex_wake(&finished_, INT_MAX);
#endif
    }

    std::vector<std::thread> threads_;
    std::function<void(std::size_t)> task_;
    std::mutex mutex_;
    std::condition_variable next_;
    std::condition_variable finished_cv_;
    std::uint64_t batch_ = 0;
    std::size_t batch_size_ = 0;
    bool stop_ = false;
    std::size_t started_ = 0;
    std::atomic<std::size_t> finished_{0};
#ifdef __EMSCRIPTEN__
    static_assert(sizeof(std::atomic<std::size_t>) == 4, "JS waits on finished_ as an int32");
#endif
};

}  // namespace ct::parallel
