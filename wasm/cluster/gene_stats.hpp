#pragma once
/// @file gene_stats.hpp
/// Per-gene statistics gathered in one streaming pass over CSR chunks of log1p data: the
/// number of expressing cells (for scanpy's `filter_genes(min_cells)`) and the mean and
/// variance of expm1(x) (for `highly_variable_genes(flavor="seurat")`, which undoes log1p).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ct::cluster {

/// Accumulates over chunks; call add() for every chunk of the matrix, in any order.
class GeneStats {
  public:
    explicit GeneStats(std::size_t n_genes);

    /// Adds `n_rows` cells given as CSR (indptr may be offset, as in Predictor::score).
    /// @throws std::invalid_argument for a column index out of range.
    void add(const float* data, const std::int32_t* indices, const std::int64_t* indptr,
             std::size_t n_rows);

    std::size_t n_genes() const { return cells_.size(); }
    std::size_t n_cells() const { return n_cells_; }
    /// Cells with a value > 0 per gene (scanpy counts `X > 0`).
    const std::vector<std::int64_t>& expressing_cells() const { return cells_; }
    /// Mean of expm1(x) per gene over all cells.
    std::vector<double> expm1_mean() const;
    /// Unbiased (ddof = 1) variance of expm1(x) per gene, computed as scanpy does
    /// (E[x^2] - E[x]^2, times n / (n - 1)).
    std::vector<double> expm1_variance() const;

  private:
    std::size_t n_cells_ = 0;
    std::vector<std::int64_t> cells_;
    std::vector<double> sum_;
    std::vector<double> sum_sq_;
};

/// Genes kept by scanpy's `filter_genes(min_cells=...)`: indices with at least `min_cells`
/// expressing cells, ascending.
std::vector<std::int32_t> genes_with_min_cells(const GeneStats& stats, std::int64_t min_cells);

}  // namespace ct::cluster
