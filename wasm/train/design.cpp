#include "train/design.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace ct::train {

std::vector<std::int32_t> expressed_genes(const cluster::SparseRows& x) {
    std::vector<double> sum(x.n_cols, 0.0);
    for (std::size_t p = 0; p < x.nnz(); ++p)
        sum[static_cast<std::size_t>(x.indices[p])] += x.data[p];
    std::vector<std::int32_t> out;
    for (std::size_t g = 0; g < x.n_cols; ++g)
        if (sum[g] != 0.0) out.push_back(static_cast<std::int32_t>(g));
    return out;
}

cluster::SparseRows select_columns(const cluster::SparseRows& x,
                                   const std::vector<std::int32_t>& columns) {
    std::vector<std::int32_t> slot(x.n_cols, -1);
    for (std::size_t i = 0; i < columns.size(); ++i)
        slot.at(static_cast<std::size_t>(columns[i])) = static_cast<std::int32_t>(i);
    cluster::SparseRows out;
    out.n_rows = x.n_rows;
    out.n_cols = columns.size();
    out.indptr.assign(1, 0);
    for (std::size_t r = 0; r < x.n_rows; ++r) {
        for (std::int64_t p = x.indptr[r]; p < x.indptr[r + 1]; ++p) {
            const std::int32_t s = slot[static_cast<std::size_t>(x.indices[p])];
            if (s < 0) continue;
            out.indices.push_back(s);
            out.data.push_back(x.data[p]);
        }
        out.indptr.push_back(static_cast<std::int64_t>(out.data.size()));
    }
    return out;
}

Design standardize(cluster::SparseRows x, const ScalerOptions& options) {
    const std::size_t G = x.n_cols;
    if (x.n_rows == 0) throw std::invalid_argument("no cells to train on");
    const double n = static_cast<double>(x.n_rows);
    std::vector<double> sum(G, 0.0), sum_sq(G, 0.0);
    for (std::size_t p = 0; p < x.nnz(); ++p) {
        const double v = x.data[p];
        sum[static_cast<std::size_t>(x.indices[p])] += v;
        sum_sq[static_cast<std::size_t>(x.indices[p])] += v * v;
    }
    Design d;
    Scaler& s = d.scaler;
    s.with_mean = options.with_mean;
    s.n_samples_seen = static_cast<std::int64_t>(x.n_rows);
    s.mean.assign(G, 0.0);
    s.var.assign(G, 0.0);
    s.scale.assign(G, 1.0);
    d.offset.assign(G, 0.0);
    for (std::size_t g = 0; g < G; ++g) {
        const double m = sum[g] / n;
        // Two-pass-equivalent variance from sums (sklearn accumulates incrementally; the
        // difference is rounding only).
        const double var = std::max(0.0, sum_sq[g] / n - m * m);
        s.var[g] = var;
        // sklearn's mean_ is reported even when with_mean is False; CellTypist stores it.
        s.mean[g] = m;
        const double sc = std::sqrt(var);
        s.scale[g] = sc < 10.0 * std::numeric_limits<double>::epsilon() ? 1.0 : sc;
        d.offset[g] = options.with_mean ? -m / s.scale[g] : 0.0;
    }
    const double clip = options.clip > 0 ? options.clip : std::numeric_limits<double>::infinity();
    for (std::size_t p = 0; p < x.nnz(); ++p) {
        const auto g = static_cast<std::size_t>(x.indices[p]);
        const double centered = options.with_mean ? x.data[p] - s.mean[g] : x.data[p];
        const double v = std::min(centered / s.scale[g], clip);
        x.data[p] = static_cast<float>(v - d.offset[g]);
    }
    d.z = std::move(x);
    return d;
}

}  // namespace ct::train
