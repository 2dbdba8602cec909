#pragma once
/// @file highly_variable.hpp
/// scanpy 1.10's `highly_variable_genes(flavor="seurat", n_top_genes=N)`: dispersion
/// (variance / mean of expm1 data) normalized within 20 equal-width bins of log1p(mean),
/// then the N genes with the highest normalized dispersion (ties at the cut-off included,
/// as scanpy's `>=` does).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ct::cluster {

struct HighlyVariableOptions {
    /// Genes to select (CellTypist: min(2500, n_genes)); all genes when larger.
    std::size_t n_top_genes = 2500;
    /// Number of equal-width bins of log1p(mean) (scanpy `n_bins`).
    std::size_t n_bins = 20;
};

struct HighlyVariableResult {
    std::vector<double> means;             ///< log1p(mean of expm1 data), per gene
    std::vector<double> dispersions;       ///< log(var / mean), NaN where var is 0
    std::vector<double> dispersions_norm;  ///< normalized within the mean bin, may be NaN
    std::vector<std::int32_t> selected;    ///< indices of the highly variable genes, ascending
};

/// @param mean, variance per gene of expm1(x) (GeneStats), for the genes under consideration.
HighlyVariableResult highly_variable_seurat(const std::vector<double>& mean,
                                            const std::vector<double>& variance,
                                            const HighlyVariableOptions& options = {});

/// pandas `pd.cut(x, bins=n_bins)` bin index of each value (right-closed equal-width bins,
/// the lowest edge widened by 0.1% of the range). Exposed for tests.
std::vector<std::size_t> equal_width_bins(const std::vector<double>& x, std::size_t n_bins);

}  // namespace ct::cluster
