#pragma once
/// @file score_parallel.hpp
/// Scores a CSR chunk with several threads: rows are split into contiguous blocks, one per
/// thread, so results are identical to the single-threaded Predictor::score.

#include <cstddef>
#include <cstdint>

#include "predict/predictor.hpp"

namespace ct::predict {

struct ParallelOptions {
    /// Threads to use (1 = the calling thread only). In the SIMD-only wasm build this must be
    /// 1; the threaded build uses its pthread pool.
    std::size_t n_threads = 1;
    /// Below this many rows per thread, fewer threads are used (thread start-up dominates).
    std::size_t min_rows_per_thread = 256;
};

/// Same contract as Predictor::score, split over threads.
void score_parallel(const Predictor& predictor, const float* data, const std::int32_t* indices,
                    const std::int64_t* indptr, std::size_t n_rows, double* decision,
                    double* probability, const ParallelOptions& options = {});

}  // namespace ct::predict
