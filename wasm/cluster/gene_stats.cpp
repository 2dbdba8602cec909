#include "cluster/gene_stats.hpp"

#include <cmath>
#include <stdexcept>

namespace ct::cluster {

GeneStats::GeneStats(std::size_t n_genes)
    : cells_(n_genes, 0), sum_(n_genes, 0.0), sum_sq_(n_genes, 0.0) {}

void GeneStats::add(const float* data, const std::int32_t* indices, const std::int64_t* indptr,
                    std::size_t n_rows) {
    const std::int64_t base = indptr[0];
    const std::int64_t end = indptr[n_rows] - base;
    const auto n_genes = static_cast<std::int64_t>(cells_.size());
    for (std::int64_t p = 0; p < end; ++p) {
        const std::int32_t g = indices[p];
        if (g < 0 || g >= n_genes)
            throw std::invalid_argument("gene index out of range in the expression matrix");
        const float x = data[p];
        if (x > 0.0f) ++cells_[g];
        // scanpy computes expm1 on the float32 copy, then accumulates in float64.
        const double e = static_cast<double>(std::expm1(x));
        sum_[g] += e;
        sum_sq_[g] += e * e;
    }
    n_cells_ += n_rows;
}

std::vector<double> GeneStats::expm1_mean() const {
    std::vector<double> mean(sum_.size(), 0.0);
    if (n_cells_ == 0) return mean;
    for (std::size_t g = 0; g < sum_.size(); ++g) mean[g] = sum_[g] / static_cast<double>(n_cells_);
    return mean;
}

std::vector<double> GeneStats::expm1_variance() const {
    std::vector<double> var(sum_.size(), 0.0);
    if (n_cells_ < 2) return var;
    const double n = static_cast<double>(n_cells_);
    for (std::size_t g = 0; g < sum_.size(); ++g) {
        const double m = sum_[g] / n;
        var[g] = (sum_sq_[g] / n - m * m) * (n / (n - 1.0));
    }
    return var;
}

std::vector<std::int32_t> genes_with_min_cells(const GeneStats& stats, std::int64_t min_cells) {
    std::vector<std::int32_t> kept;
    const auto& cells = stats.expressing_cells();
    for (std::size_t g = 0; g < cells.size(); ++g) {
        if (cells[g] >= min_cells) kept.push_back(static_cast<std::int32_t>(g));
    }
    return kept;
}

}  // namespace ct::cluster
