#pragma once
/// @file rounds.hpp
/// Runs `fn(round, begin, end)` for rounds 0..n_rounds-1 over [0, n) split into one contiguous
/// block per thread, with a barrier between rounds. The threads are started once (not once per
/// round): iterative algorithms with hundreds of short rounds (the UMAP epochs) would otherwise
/// pay a thread start per round, which is slow under Emscripten's pthreads. Results are
/// deterministic when each round reads only what the previous rounds wrote and each block writes
/// only its own outputs.

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "parallel/parallel_for.hpp"

namespace ct::cluster {

/// A reusable barrier for a fixed number of threads.
class RoundBarrier {
  public:
    explicit RoundBarrier(std::size_t n) : n_(n) {}
    void wait() {
        std::unique_lock<std::mutex> lock(m_);
        const std::size_t gen = generation_;
        if (++waiting_ == n_) {
            waiting_ = 0;
            ++generation_;
            cv_.notify_all();
            return;
        }
        cv_.wait(lock, [&] { return generation_ != gen; });
    }

  private:
    std::size_t n_, waiting_ = 0, generation_ = 0;
    std::mutex m_;
    std::condition_variable cv_;
};

/// `fn` must not throw (a thread leaving early would leave the others at the barrier).
/// @param min_per_thread fewer threads are used when blocks would be smaller than this.
template <class Fn>
void parallel_rounds(std::size_t n_rounds, std::size_t n, std::size_t n_threads, Fn&& fn,
                     std::size_t min_per_thread = 1) {
    const std::size_t per = std::max<std::size_t>(min_per_thread, 1);
    const std::size_t threads = std::max<std::size_t>(1, std::min(n_threads, (n + per - 1) / per));
    if (threads == 1) {
        for (std::size_t r = 0; r < n_rounds; ++r) fn(r, std::size_t{0}, n);
        return;
    }
    RoundBarrier barrier(threads);
    parallel::parallel_for(
        threads, threads,
        [&](std::size_t lo, std::size_t hi, std::size_t) {
            for (std::size_t t = lo; t < hi; ++t) {
                const std::size_t block = (n + threads - 1) / threads;
                const std::size_t b0 = std::min(n, t * block), b1 = std::min(n, b0 + block);
                for (std::size_t r = 0; r < n_rounds; ++r) {
                    fn(r, b0, b1);
                    barrier.wait();
                }
            }
        },
        1);
}

}  // namespace ct::cluster
