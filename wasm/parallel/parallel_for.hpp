#pragma once
/// @file parallel_for.hpp
/// Splits [0, n) into contiguous blocks, one per thread, and runs `fn(begin, end, thread)` on
/// each. The calling thread takes block 0. Exceptions from any block are rethrown (the first).
/// Results stay deterministic when each block writes only its own outputs.

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace ct::parallel {

/// @param n_threads threads to use; 1 runs inline (the SIMD-only wasm build must pass 1).
/// @param min_per_thread fewer threads are used when blocks would be smaller than this.
template <class Fn>
void parallel_for(std::size_t n, std::size_t n_threads, Fn&& fn, std::size_t min_per_thread = 1) {
    const std::size_t per = std::max<std::size_t>(min_per_thread, 1);
    const std::size_t threads = std::max<std::size_t>(1, std::min(n_threads, (n + per - 1) / per));
    if (threads <= 1) {
        if (n > 0) fn(std::size_t{0}, n, std::size_t{0});
        return;
    }
    const std::size_t block = (n + threads - 1) / threads;
    std::vector<std::exception_ptr> errors(threads);
    auto work = [&](std::size_t t) {
        const std::size_t lo = t * block, hi = std::min(n, lo + block);
        if (lo >= hi) return;
        try {
            fn(lo, hi, t);
        } catch (...) {
            errors[t] = std::current_exception();
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    for (auto& e : errors) {
        if (e) std::rethrow_exception(e);
    }
}

}  // namespace ct::parallel
