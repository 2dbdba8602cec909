#pragma once
/// @file sparse_rows.hpp
/// An owned CSR matrix of cells x genes (float32 values, like scanpy on float32 data), the
/// form the over-clustering pipeline keeps its gene subset in. Rows are cells.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ct::cluster {

struct SparseRows {
    std::size_t n_rows = 0;
    std::size_t n_cols = 0;
    std::vector<float> data;
    std::vector<std::int32_t> indices;    ///< column of each value, ascending per row
    std::vector<std::int64_t> indptr{0};  ///< n_rows + 1 offsets into data/indices

    std::size_t nnz() const { return data.size(); }
};

}  // namespace ct::cluster
