#include "predict/score_parallel.hpp"

#include "parallel/parallel_for.hpp"

namespace ct::predict {

void score_parallel(const Predictor& predictor, const float* data, const std::int32_t* indices,
                    const std::int64_t* indptr, std::size_t n_rows, double* decision,
                    double* probability, const ParallelOptions& options) {
    const std::size_t L = predictor.n_labels();
    parallel::parallel_for(
        n_rows, options.n_threads,
        [&](std::size_t lo, std::size_t hi, std::size_t) {
            const std::int64_t off = indptr[lo] - indptr[0];
            predictor.score(data + off, indices + off, indptr + lo, hi - lo,
                            decision ? decision + lo * L : nullptr,
                            probability ? probability + lo * L : nullptr);
        },
        options.min_rows_per_thread);
}

}  // namespace ct::predict
