// Rows of a CellTypist matrix table (decision_matrix.csv, probability_matrix.csv) as CSV bytes:
// "<id>,<v1>,...,<vL>\n" per row, numbers as Python's repr(float) (what pandas writes). The
// ids come already quoted and UTF-8 encoded (the caller knows CSV quoting and text); this side
// only does the bulk of the bytes: the numbers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ct::csv {

/** Row-major `rows x cols` doubles and each row's id bytes. */
struct CsvRows {
    const double* values = nullptr;
    std::size_t rows = 0;
    std::size_t cols = 0;
    /** Concatenated id bytes; row r's id is ids[id_offsets[r], id_offsets[r + 1]). */
    const char* ids = nullptr;
    /** rows + 1 offsets into ids. */
    const std::uint32_t* id_offsets = nullptr;
};

/** Bytes write_csv_rows may need at most (the longest number text for every value). */
std::size_t csv_rows_capacity(std::size_t rows, std::size_t cols, std::size_t id_bytes);

/** Writes the rows at `out` (room for csv_rows_capacity) and returns the number of bytes. */
std::size_t write_csv_rows(const CsvRows& in, char* out);

}  // namespace ct::csv
