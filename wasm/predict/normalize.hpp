#pragma once
/// @file normalize.hpp
/// In-stream normalization of raw counts as scanpy does it before CellTypist:
/// `sc.pp.normalize_total(adata, target_sum=1e4)` then `sc.pp.log1p(adata)`, row by row on the
/// nonzeros of a CSR chunk, in float32 like scanpy on float32 data.

#include <cstddef>
#include <cstdint>

namespace ct::predict {

struct NormalizeOptions {
    /// Counts per cell after scaling (scanpy `target_sum`; CellTypist expects 10,000).
    float target_sum = 1e4f;
    /// Number of the first row in messages ("cell k of the chunk"): set when normalizing a part
    /// of a chunk, so that the message still counts from the chunk's start.
    std::size_t first_row = 0;
};

/// Normalizes each row to `target_sum` and applies log1p, in place. Rows summing to 0 stay 0
/// (scanpy divides by 1 for them). `indptr` as in Predictor::score (offset allowed).
/// @throws std::invalid_argument for negative or non-finite counts.
void normalize_log1p(float* data, const std::int64_t* indptr, std::size_t n_rows,
                     const NormalizeOptions& options = {});

}  // namespace ct::predict
