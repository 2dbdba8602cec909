#include "export/csv_rows_parallel.hpp"

#include <algorithm>
#include <cstring>

#include "parallel/parallel_for.hpp"

namespace ct::csv {

std::size_t csv_block_offset(const CsvRows& in, std::size_t row) {
    return csv_rows_capacity(row, in.cols, in.id_offsets[row] - in.id_offsets[0]);
}

CsvRows csv_block(const CsvRows& in, std::size_t lo, std::size_t hi) {
    CsvRows part = in;  // ids stay: id_offsets index the whole buffer
    part.values = in.values + lo * in.cols;
    part.rows = hi - lo;
    part.id_offsets = in.id_offsets + lo;
    return part;
}

std::size_t compact_csv_blocks(char* out, const std::vector<std::pair<std::size_t, std::size_t>>& blocks) {
    std::size_t end = 0;
    for (const auto& [at, bytes] : blocks) {
        if (bytes == 0) continue;
        if (at != end) std::memmove(out + end, out + at, bytes);
        end += bytes;
    }
    return end;
}

std::size_t write_csv_rows_parallel(const CsvRows& in, char* out, const CsvParallelOptions& options) {
    std::vector<std::pair<std::size_t, std::size_t>> written(std::max<std::size_t>(options.n_threads, 1));
    parallel::parallel_for(
        in.rows, written.size(),
        [&](std::size_t lo, std::size_t hi, std::size_t t) {
            const std::size_t at = csv_block_offset(in, lo);
            written[t] = {at, write_csv_rows(csv_block(in, lo, hi), out + at)};
        },
        options.min_rows_per_thread);
    return compact_csv_blocks(out, written);
}

}  // namespace ct::csv
