#include "cluster/scale.hpp"

#include <algorithm>
#include <cmath>

namespace ct::cluster {

ScaledMatrix standardize_sparse(SparseRows x, const StandardizeOptions& options) {
    const std::size_t G = x.n_cols;
    const double n = static_cast<double>(x.n_rows);
    std::vector<double> sum(G, 0.0), sum_sq(G, 0.0);
    for (std::size_t p = 0; p < x.nnz(); ++p) {
        const double v = x.data[p];
        sum[static_cast<std::size_t>(x.indices[p])] += v;
        sum_sq[static_cast<std::size_t>(x.indices[p])] += v * v;
    }
    ScaledMatrix out;
    out.mean.assign(G, 0.0);
    out.var.assign(G, 0.0);
    out.std.assign(G, 1.0);
    out.zero_value.assign(G, 0.0);
    const double divisor = n - static_cast<double>(options.ddof);
    for (std::size_t g = 0; g < G && x.n_rows > 0; ++g) {
        const double m = sum[g] / n;
        // E[x^2] - E[x]^2, rescaled to the n - ddof divisor (scanpy's _get_mean_var does this).
        const double var =
            divisor > 0 ? std::max(0.0, (sum_sq[g] / n - m * m) * (n / divisor)) : 0.0;
        const double s = std::sqrt(var);
        out.mean[g] = m;
        out.var[g] = var;
        out.std[g] = (s == 0.0 || s < options.min_scale) ? 1.0 : s;
        out.zero_value[g] =
            std::clamp(options.center ? -m / out.std[g] : 0.0, options.clip_low, options.clip_high);
    }
    for (std::size_t p = 0; p < x.nnz(); ++p) {
        const auto g = static_cast<std::size_t>(x.indices[p]);
        const double centered = options.center ? x.data[p] - out.mean[g] : x.data[p];
        const double y = std::clamp(centered / out.std[g], options.clip_low, options.clip_high);
        x.data[p] = static_cast<float>(y - out.zero_value[g]);
    }
    out.offsets = std::move(x);
    return out;
}

ScaledMatrix scale_sparse(SparseRows x, const ScaleOptions& options) {
    StandardizeOptions o;
    if (options.max_value > 0) o.clip_low = -options.max_value, o.clip_high = options.max_value;
    return standardize_sparse(std::move(x), o);
}

}  // namespace ct::cluster
