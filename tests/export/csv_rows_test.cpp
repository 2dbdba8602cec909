#include "export/csv_rows.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace ct::csv {
namespace {

std::string rows_text(const std::vector<double>& v, std::size_t rows, std::size_t cols, const std::string& ids,
                      const std::vector<std::uint32_t>& offsets) {
    std::vector<char> out(csv_rows_capacity(rows, cols, ids.size()));
    const CsvRows in{v.data(), rows, cols, ids.data(), offsets.data()};
    const std::size_t n = write_csv_rows(in, out.data());
    EXPECT_LE(n, out.size());
    return std::string(out.data(), n);
}

TEST(CsvRows, WritesIdsAndPythonReprNumbers) {
    const std::string ids = "c1\"a,b\"";  // the second id comes quoted by the caller
    EXPECT_EQ(rows_text({0.5, 1e-05, -0.0, 123}, 2, 2, ids, {0, 2, 7}), "c1,0.5,1e-05\n\"a,b\",-0.0,123.0\n");
}

TEST(CsvRows, CapacityHoldsTheLongestNumbers) {
    const std::size_t rows = 3, cols = 4;
    std::vector<double> v(rows * cols, -2.2250738585072014e-308);
    const std::string ids = "abc";
    const std::string text = rows_text(v, rows, cols, ids, {0, 1, 2, 3});
    EXPECT_EQ(text.size(), csv_rows_capacity(rows, cols, ids.size()));
}

TEST(CsvRows, NoRowsNoBytes) { EXPECT_EQ(rows_text({}, 0, 5, "", {0}), ""); }

TEST(CsvRows, NonFiniteValuesAsPython) {
    const double inf = std::numeric_limits<double>::infinity();
    EXPECT_EQ(rows_text({inf, -inf, std::nan("")}, 1, 3, "x", {0, 1}), "x,inf,-inf,nan\n");
}

}  // namespace
}  // namespace ct::csv
