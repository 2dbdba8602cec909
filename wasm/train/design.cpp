#include "train/design.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "cluster/scale.hpp"

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
    if (x.n_rows == 0) throw std::invalid_argument("no cells to train on");
    // sklearn's StandardScaler: population variance, scale 1 below 10 machine epsilons; then
    // CellTypist's clip of values above the bound only.
    cluster::StandardizeOptions o;
    o.center = options.with_mean;
    o.ddof = 0;
    o.min_scale = 10.0 * std::numeric_limits<double>::epsilon();
    if (options.clip > 0) o.clip_high = options.clip;
    const auto n_rows = static_cast<std::int64_t>(x.n_rows);
    cluster::ScaledMatrix s = cluster::standardize_sparse(std::move(x), o);
    Design d;
    d.z = std::move(s.offsets);
    d.offset = std::move(s.zero_value);
    d.scaler.mean = std::move(s.mean);  // sklearn reports mean_ also without centering
    d.scaler.var = std::move(s.var);
    d.scaler.scale = std::move(s.std);
    d.scaler.with_mean = options.with_mean;
    d.scaler.n_samples_seen = n_rows;
    return d;
}

}  // namespace ct::train
