#include "export/csv_rows.hpp"

#include <cstring>

#include "export/py_float.hpp"

namespace ct::csv {

std::size_t csv_rows_capacity(std::size_t rows, std::size_t cols, std::size_t id_bytes) {
    return id_bytes + rows * (cols * (1 + py_float_max_chars) + 1);
}

std::size_t write_csv_rows(const CsvRows& in, char* out) {
    char* p = out;
    for (std::size_t r = 0; r < in.rows; ++r) {
        const std::uint32_t begin = in.id_offsets[r], end = in.id_offsets[r + 1];
        std::memcpy(p, in.ids + begin, end - begin);
        p += end - begin;
        const double* row = in.values + r * in.cols;
        for (std::size_t c = 0; c < in.cols; ++c) {
            *p++ = ',';
            p = format_py_float(row[c], p);
        }
        *p++ = '\n';
    }
    return static_cast<std::size_t>(p - out);
}

}  // namespace ct::csv
