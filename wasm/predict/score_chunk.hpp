#pragma once
/// @file score_chunk.hpp
/// Everything the core does for one chunk of cells, as one call that can run on a background
/// thread: refuse NaN/Inf, normalize raw counts in place (scanpy's normalize_total + log1p),
/// score, and format the two matrix tables' CSV rows. Errors are returned, not thrown, so a
/// background run can hand them back to the thread that waits for it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "predict/predictor.hpp"

namespace ct::predict {

/// A CSR chunk in memory; `data` is normalized in place when `normalize` is set.
struct ChunkInput {
    float* data = nullptr;
    const std::int32_t* indices = nullptr;
    /// n_rows + 1 row pointers (offset allowed, as Predictor::score).
    const std::int64_t* indptr = nullptr;
    std::size_t n_rows = 0;
    /// Raw counts: normalize to 10,000 per cell and log1p first (false: already log1p-normalized).
    bool normalize = false;
};

/// Where the chunk's results go. Null pointers skip an output.
struct ChunkOutput {
    double* decision = nullptr;     ///< n_rows x n_labels
    double* probability = nullptr;  ///< n_rows x n_labels
    /// CSV rows of the matrix tables (see export/csv_rows.hpp): row ids, quoted and encoded,
    /// with n_rows + 1 offsets, and room for csv_rows_capacity at each table pointer. The table
    /// needs its matrix above.
    const char* ids = nullptr;
    const std::uint32_t* id_offsets = nullptr;
    char* decision_csv = nullptr;
    char* probability_csv = nullptr;
};

struct ChunkStatus {
    enum class Error { none, non_finite, bad_counts, failed };
    Error error = Error::none;
    /// non_finite: the chunk row (0-based) of the first NaN or infinite value.
    std::size_t row = 0;
    /// bad_counts and failed: the core's user-readable message.
    std::string message;
    std::size_t decision_bytes = 0;
    std::size_t probability_bytes = 0;
};

struct ScoreChunkOptions {
    /// Threads for the row blocks (1 = the calling thread; SIMD-only wasm: must be 1).
    std::size_t n_threads = 1;
    /// Below this many rows per block, fewer blocks are used (thread start-up dominates).
    std::size_t min_rows_per_thread = 256;
};

/// Row bounds of the blocks a chunk is split into, one per thread: blocks + 1 ascending values
/// from 0 to n_rows (a single block for small chunks).
std::vector<std::size_t> chunk_blocks(std::size_t n_rows, const ScoreChunkOptions& options);

/// The whole work for rows [lo, hi) of the chunk, on the calling thread. Its CSV rows go to
/// their block's region (export/csv_rows_parallel.hpp); merge_blocks moves them together.
ChunkStatus score_block(const Predictor& predictor, const ChunkInput& in, const ChunkOutput& out,
                        std::size_t lo, std::size_t hi) noexcept;

/// The chunk's status from its blocks' (the error a single pass over the chunk reports: NaN/Inf
/// first, then bad counts, then anything else, each at its first row) with the tables' bytes
/// moved together. `bounds` as chunk_blocks, one status per block.
ChunkStatus merge_blocks(const ChunkInput& in, const ChunkOutput& out, std::size_t n_labels,
                         const std::vector<std::size_t>& bounds,
                         const std::vector<ChunkStatus>& blocks);

/// chunk_blocks, score_block on each (in parallel), merge_blocks.
ChunkStatus score_chunk(const Predictor& predictor, const ChunkInput& in, const ChunkOutput& out,
                        const ScoreChunkOptions& options = {}) noexcept;

}  // namespace ct::predict
