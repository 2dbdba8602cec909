#include "predict/score_parallel.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

namespace ct::predict {

void score_parallel(const Predictor& predictor, const float* data, const std::int32_t* indices,
                    const std::int64_t* indptr, std::size_t n_rows, double* decision,
                    double* probability, const ParallelOptions& options) {
    const std::size_t per = std::max<std::size_t>(options.min_rows_per_thread, 1);
    const std::size_t threads =
        std::max<std::size_t>(1, std::min(options.n_threads, (n_rows + per - 1) / per));
    if (threads <= 1) {
        predictor.score(data, indices, indptr, n_rows, decision, probability);
        return;
    }
    const std::size_t L = predictor.n_labels();
    const std::size_t block = (n_rows + threads - 1) / threads;
    std::vector<std::exception_ptr> errors(threads);
    auto work = [&](std::size_t t) {
        const std::size_t lo = t * block, hi = std::min(n_rows, lo + block);
        if (lo >= hi) return;
        try {
            const std::int64_t off = indptr[lo] - indptr[0];
            predictor.score(data + off, indices + off, indptr + lo, hi - lo,
                            decision ? decision + lo * L : nullptr,
                            probability ? probability + lo * L : nullptr);
        } catch (...) {
            errors[t] = std::current_exception();
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    for (auto& e : errors) {
        if (e) std::rethrow_exception(e);
    }
}

}  // namespace ct::predict
