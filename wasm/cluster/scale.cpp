#include "cluster/scale.hpp"

#include <algorithm>
#include <cmath>

namespace ct::cluster {

ScaledMatrix scale_sparse(SparseRows x, const ScaleOptions& options) {
    const std::size_t G = x.n_cols;
    const double n = static_cast<double>(x.n_rows);
    std::vector<double> sum(G, 0.0), sum_sq(G, 0.0);
    for (std::size_t p = 0; p < x.nnz(); ++p) {
        const double v = x.data[p];
        sum[x.indices[p]] += v;
        sum_sq[x.indices[p]] += v * v;
    }
    ScaledMatrix out;
    out.mean.assign(G, 0.0);
    out.std.assign(G, 1.0);
    out.zero_value.assign(G, 0.0);
    const double clip = options.max_value > 0 ? options.max_value : INFINITY;
    for (std::size_t g = 0; g < G; ++g) {
        if (x.n_rows == 0) break;
        const double m = sum[g] / n;
        // scanpy's _get_mean_var: E[x^2] - E[x]^2 with the n / (n - 1) correction.
        const double var = x.n_rows > 1 ? (sum_sq[g] / n - m * m) * (n / (n - 1.0)) : 0.0;
        const double s = std::sqrt(std::max(var, 0.0));
        out.mean[g] = m;
        out.std[g] = s == 0.0 ? 1.0 : s;
        out.zero_value[g] = std::clamp(-m / out.std[g], -clip, clip);
    }
    for (std::size_t p = 0; p < x.nnz(); ++p) {
        const auto g = static_cast<std::size_t>(x.indices[p]);
        const double y = std::clamp((x.data[p] - out.mean[g]) / out.std[g], -clip, clip);
        x.data[p] = static_cast<float>(y - out.zero_value[g]);
    }
    out.offsets = std::move(x);
    return out;
}

}  // namespace ct::cluster
