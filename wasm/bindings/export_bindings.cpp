// Embind: the CSV writers' pieces (Python's float repr, matrix rows as CSV bytes). Marshalling only.
#include <emscripten/bind.h>

#include <cstdint>
#include <string>

#include "bindings/marshal.hpp"
#include "export/csv_rows.hpp"
#include "export/py_float.hpp"

using emscripten::val;
using namespace ct::bindings;

namespace {

std::string py_float(double x) {
    char buf[ct::csv::py_float_max_chars];
    return std::string(buf, ct::csv::format_py_float(x, buf));
}

double csv_rows_capacity(double rows, double cols, double id_bytes) {
    return static_cast<double>(ct::csv::csv_rows_capacity(static_cast<std::size_t>(rows), static_cast<std::size_t>(cols),
                                                          static_cast<std::size_t>(id_bytes)));
}

/** Matrix rows as CSV bytes at `out` (room for csv_rows_capacity); returns the byte count. */
double write_csv_rows(std::uintptr_t values, double rows, double cols, std::uintptr_t ids, std::uintptr_t id_offsets,
                      std::uintptr_t out) {
    const ct::csv::CsvRows in{ptr<const double>(values), static_cast<std::size_t>(rows), static_cast<std::size_t>(cols),
                              ptr<const char>(ids), ptr<const std::uint32_t>(id_offsets)};
    return static_cast<double>(ct::csv::write_csv_rows(in, ptr<char>(out)));
}

}  // namespace

EMSCRIPTEN_BINDINGS(ct_export) {
    emscripten::function("py_float", &py_float);
    emscripten::function("csv_rows_capacity", &csv_rows_capacity);
    emscripten::function("write_csv_rows", &write_csv_rows);
}
