// write_csv_rows split over threads: each thread formats a contiguous block of rows into its own
// region of the output, then the regions are moved together. Same bytes as write_csv_rows. The
// two steps are public for callers that run the blocks themselves (predict/score_chunk.hpp).
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "export/csv_rows.hpp"

namespace ct::csv {

struct CsvParallelOptions {
    /// Threads to use (1 = the calling thread). The SIMD-only wasm build must pass 1.
    std::size_t n_threads = 1;
    /// Below this many rows per thread, fewer threads are used (thread start-up dominates).
    std::size_t min_rows_per_thread = 256;
};

/** As write_csv_rows (room for csv_rows_capacity at `out`); returns the number of bytes. */
std::size_t write_csv_rows_parallel(const CsvRows& in, char* out, const CsvParallelOptions& options = {});

/** Where the block starting at row `row` writes: the capacity of the rows before it. */
std::size_t csv_block_offset(const CsvRows& in, std::size_t row);

/** Rows [lo, hi) of `in` as their own CsvRows (same ids buffer). */
CsvRows csv_block(const CsvRows& in, std::size_t lo, std::size_t hi);

/**
 * Moves blocks written at (offset, bytes), in row order, together at the start of `out`;
 * returns the total bytes.
 */
std::size_t compact_csv_blocks(char* out, const std::vector<std::pair<std::size_t, std::size_t>>& blocks);

}  // namespace ct::csv
