#include "export/csv_rows_parallel.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace ct::csv {
namespace {

struct Table {
    std::vector<double> values;
    std::string ids;
    std::vector<std::uint32_t> offsets{0};
};

Table random_table(std::size_t rows, std::size_t cols) {
    std::mt19937_64 rng(3);
    std::normal_distribution<double> g(0, 5);
    std::uniform_int_distribution<int> len(1, 30);
    Table t;
    for (std::size_t i = 0; i < rows * cols; ++i) t.values.push_back(i % 7 == 0 ? 0.5 : g(rng));
    for (std::size_t r = 0; r < rows; ++r) {
        t.ids += std::string(static_cast<std::size_t>(len(rng)), static_cast<char>('a' + r % 26));
        t.offsets.push_back(static_cast<std::uint32_t>(t.ids.size()));
    }
    return t;
}

std::string text(const Table& t, std::size_t rows, std::size_t cols, std::size_t threads, std::size_t min_rows) {
    std::vector<char> out(csv_rows_capacity(rows, cols, t.ids.size()));
    const CsvRows in{t.values.data(), rows, cols, t.ids.data(), t.offsets.data()};
    const std::size_t n = threads == 0 ? write_csv_rows(in, out.data())
                                       : write_csv_rows_parallel(in, out.data(), {threads, min_rows});
    EXPECT_LE(n, out.size());
    return std::string(out.data(), n);
}

TEST(CsvRowsParallel, SameBytesAsOneThreadForAnyThreadCount) {
    const std::size_t rows = 1001, cols = 13;
    const Table t = random_table(rows, cols);
    const std::string ref = text(t, rows, cols, 0, 1);
    ASSERT_GT(ref.size(), rows * cols * 4);
    for (std::size_t threads : {1u, 2u, 3u, 7u}) {
        EXPECT_EQ(text(t, rows, cols, threads, 10), ref) << threads << " threads";
    }
}

TEST(CsvRowsParallel, FewRowsAndNoRows) {
    const Table t = random_table(3, 2);
    EXPECT_EQ(text(t, 3, 2, 4, 1), text(t, 3, 2, 0, 1));  // more threads than rows
    EXPECT_EQ(text(t, 0, 2, 4, 1), "");
}

}  // namespace
}  // namespace ct::csv
