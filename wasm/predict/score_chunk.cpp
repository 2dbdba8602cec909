#include "predict/score_chunk.hpp"

#include <algorithm>
#include <exception>

#include "export/csv_rows_parallel.hpp"
#include "parallel/parallel_for.hpp"
#include "predict/finite.hpp"
#include "predict/normalize.hpp"

namespace ct::predict {

namespace {

std::size_t offset(const ChunkInput& in, std::size_t row) {
    return static_cast<std::size_t>(in.indptr[row] - in.indptr[0]);
}

/// A NaN/Inf among the nonzeros of rows [lo, hi), reported with its chunk row.
bool find_non_finite(const ChunkInput& in, std::size_t lo, std::size_t hi, ChunkStatus& status) {
    const std::size_t first = offset(in, lo), nnz = offset(in, hi) - first;
    const std::size_t bad = first_non_finite(in.data + first, nnz);
    if (bad == nnz) return false;
    // The last row starting at or before the bad value.
    const std::int64_t at = in.indptr[0] + static_cast<std::int64_t>(first + bad);
    const auto* row_end = std::upper_bound(in.indptr + lo, in.indptr + hi + 1, at);
    status.error = ChunkStatus::Error::non_finite;
    status.row = static_cast<std::size_t>(row_end - in.indptr) - 1;
    return true;
}

csv::CsvRows table_rows(const ChunkInput& in, const ChunkOutput& out, const double* values,
                        std::size_t n_labels) {
    return {values, in.n_rows, n_labels, out.ids, out.id_offsets};
}

void write_tables(const Predictor& p, const ChunkInput& in, const ChunkOutput& out, std::size_t lo,
                  std::size_t hi, ChunkStatus& status) {
    auto table = [&](const double* values, char* dest) {
        const csv::CsvRows all = table_rows(in, out, values, p.n_labels());
        return csv::write_csv_rows(csv::csv_block(all, lo, hi), dest + csv::csv_block_offset(all, lo));
    };
    if (out.decision_csv && out.decision) status.decision_bytes = table(out.decision, out.decision_csv);
    if (out.probability_csv && out.probability)
        status.probability_bytes = table(out.probability, out.probability_csv);
}

void score_rows(const Predictor& p, const ChunkInput& in, const ChunkOutput& out, std::size_t lo,
                std::size_t hi) {
    const std::size_t first = offset(in, lo), L = p.n_labels();
    p.score(in.data + first, in.indices + first, in.indptr + lo, hi - lo,
            out.decision ? out.decision + lo * L : nullptr,
            out.probability ? out.probability + lo * L : nullptr);
}

int rank(ChunkStatus::Error e) {
    switch (e) {
        case ChunkStatus::Error::non_finite: return 0;
        case ChunkStatus::Error::bad_counts: return 1;
        case ChunkStatus::Error::failed: return 2;
        default: return 3;
    }
}

}  // namespace

std::vector<std::size_t> chunk_blocks(std::size_t n_rows, const ScoreChunkOptions& options) {
    std::vector<std::size_t> bounds{0};
    // Same split as parallel_for: equal contiguous blocks, fewer when they would be small.
    const std::size_t per = std::max<std::size_t>(options.min_rows_per_thread, 1);
    const std::size_t threads =
        std::max<std::size_t>(1, std::min(options.n_threads, (n_rows + per - 1) / per));
    const std::size_t block = threads ? (n_rows + threads - 1) / threads : n_rows;
    for (std::size_t t = 1; t <= threads; ++t) bounds.push_back(std::min(n_rows, t * block));
    bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
    if (bounds.size() == 1) bounds.push_back(n_rows);
    return bounds;
}

ChunkStatus score_block(const Predictor& predictor, const ChunkInput& in, const ChunkOutput& out,
                        std::size_t lo, std::size_t hi) noexcept {
    ChunkStatus status;
    try {
        if (find_non_finite(in, lo, hi, status)) return status;
        if (in.normalize) {
            try {
                NormalizeOptions options;
                options.first_row = lo;
                normalize_log1p(in.data + offset(in, lo), in.indptr + lo, hi - lo, options);
            } catch (const std::exception& e) {
                status.error = ChunkStatus::Error::bad_counts;
                status.message = e.what();
                return status;
            }
        }
        score_rows(predictor, in, out, lo, hi);
        write_tables(predictor, in, out, lo, hi, status);
    } catch (const std::exception& e) {
        status.error = ChunkStatus::Error::failed;
        status.message = e.what();
    } catch (...) {
        status.error = ChunkStatus::Error::failed;
        status.message = "unexpected error while scoring";
    }
    return status;
}

ChunkStatus merge_blocks(const ChunkInput& in, const ChunkOutput& out, std::size_t n_labels,
                         const std::vector<std::size_t>& bounds,
                         const std::vector<ChunkStatus>& blocks) {
    const ChunkStatus* worst = nullptr;
    for (const auto& b : blocks) {
        if (b.error != ChunkStatus::Error::none && (!worst || rank(b.error) < rank(worst->error))) worst = &b;
    }
    if (worst) return *worst;
    ChunkStatus status;
    if (!out.decision_csv && !out.probability_csv) return status;
    std::vector<std::pair<std::size_t, std::size_t>> dec, prob;
    const csv::CsvRows all = table_rows(in, out, nullptr, n_labels);
    for (std::size_t b = 0; b < blocks.size(); ++b) {
        const std::size_t at = csv::csv_block_offset(all, bounds[b]);
        dec.emplace_back(at, blocks[b].decision_bytes);
        prob.emplace_back(at, blocks[b].probability_bytes);
    }
    if (out.decision_csv) status.decision_bytes = csv::compact_csv_blocks(out.decision_csv, dec);
    if (out.probability_csv) status.probability_bytes = csv::compact_csv_blocks(out.probability_csv, prob);
    return status;
}

ChunkStatus score_chunk(const Predictor& predictor, const ChunkInput& in, const ChunkOutput& out,
                        const ScoreChunkOptions& options) noexcept {
    try {
        const auto bounds = chunk_blocks(in.n_rows, options);
        std::vector<ChunkStatus> blocks(bounds.size() - 1);
        parallel::parallel_for(blocks.size(), blocks.size(), [&](std::size_t b, std::size_t, std::size_t) {
            blocks[b] = score_block(predictor, in, out, bounds[b], bounds[b + 1]);
        });
        return merge_blocks(in, out, predictor.n_labels(), bounds, blocks);
    } catch (const std::exception& e) {
        ChunkStatus status;
        status.error = ChunkStatus::Error::failed;
        status.message = e.what();
        return status;
    }
}

}  // namespace ct::predict
