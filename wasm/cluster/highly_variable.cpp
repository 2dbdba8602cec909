#include "cluster/highly_variable.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

namespace ct::cluster {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

std::vector<std::size_t> equal_width_bins(const std::vector<double>& x, std::size_t n_bins) {
    if (n_bins == 0) throw std::invalid_argument("n_bins must be positive");
    std::vector<std::size_t> bin(x.size(), 0);
    if (x.empty()) return bin;
    double mn = *std::min_element(x.begin(), x.end());
    double mx = *std::max_element(x.begin(), x.end());
    std::vector<double> edges(n_bins + 1);
    auto linspace = [&](double a, double b) {
        const double step = (b - a) / static_cast<double>(n_bins);
        for (std::size_t i = 0; i <= n_bins; ++i) edges[i] = a + static_cast<double>(i) * step;
        edges[n_bins] = b;
    };
    if (mn == mx) {
        // pandas widens a degenerate range symmetrically by 0.1%.
        const double adj = mn != 0.0 ? 0.001 * std::fabs(mn) : 0.001;
        linspace(mn - adj, mx + adj);
    } else {
        linspace(mn, mx);
        edges[0] -= (mx - mn) * 0.001;
    }
    for (std::size_t i = 0; i < x.size(); ++i) {
        // Right-closed intervals (e[k], e[k+1]]: first edge >= x, minus one.
        const auto it = std::lower_bound(edges.begin(), edges.end(), x[i]);
        const auto k = static_cast<std::size_t>(it - edges.begin());
        bin[i] = std::min(n_bins - 1, k == 0 ? 0 : k - 1);
    }
    return bin;
}

HighlyVariableResult highly_variable_seurat(const std::vector<double>& mean,
                                            const std::vector<double>& variance,
                                            const HighlyVariableOptions& options) {
    if (mean.size() != variance.size())
        throw std::invalid_argument("mean and variance differ in length");
    const std::size_t n = mean.size();
    HighlyVariableResult out;
    out.means.resize(n);
    out.dispersions.resize(n);
    out.dispersions_norm.assign(n, kNaN);
    for (std::size_t g = 0; g < n; ++g) {
        const double m = mean[g] == 0.0 ? 1e-12 : mean[g];
        const double d = variance[g] / m;
        out.dispersions[g] = d == 0.0 ? kNaN : std::log(d);
        out.means[g] = std::log1p(m);
    }
    if (n == 0) return out;

    const auto bin = equal_width_bins(out.means, options.n_bins);
    // Per-bin mean and sample std of the dispersions, skipping NaN like pandas.
    std::vector<double> sum(options.n_bins, 0.0), avg(options.n_bins, kNaN),
        dev(options.n_bins, kNaN);
    std::vector<std::size_t> count(options.n_bins, 0);
    for (std::size_t g = 0; g < n; ++g) {
        if (std::isnan(out.dispersions[g])) continue;
        sum[bin[g]] += out.dispersions[g];
        ++count[bin[g]];
    }
    for (std::size_t b = 0; b < options.n_bins; ++b) {
        if (count[b] > 0) avg[b] = sum[b] / static_cast<double>(count[b]);
    }
    std::vector<double> ss(options.n_bins, 0.0);
    for (std::size_t g = 0; g < n; ++g) {
        if (std::isnan(out.dispersions[g])) continue;
        const double r = out.dispersions[g] - avg[bin[g]];
        ss[bin[g]] += r * r;
    }
    for (std::size_t b = 0; b < options.n_bins; ++b) {
        if (count[b] > 1) {
            dev[b] = std::sqrt(ss[b] / static_cast<double>(count[b] - 1));
        } else {
            // scanpy: a bin whose std is NaN (a single gene) uses dev = avg, avg = 0.
            dev[b] = avg[b];
            avg[b] = 0.0;
        }
    }
    std::vector<double> finite;
    finite.reserve(n);
    for (std::size_t g = 0; g < n; ++g) {
        out.dispersions_norm[g] = (out.dispersions[g] - avg[bin[g]]) / dev[bin[g]];
        if (!std::isnan(out.dispersions_norm[g])) finite.push_back(out.dispersions_norm[g]);
    }
    if (finite.empty()) return out;
    const std::size_t top = std::min({options.n_top_genes, n, finite.size()});
    if (top == 0) return out;
    std::nth_element(finite.begin(), finite.begin() + static_cast<std::ptrdiff_t>(top - 1),
                     finite.end(), std::greater<double>());
    const double cut = finite[top - 1];
    for (std::size_t g = 0; g < n; ++g) {
        const double v = out.dispersions_norm[g];
        if (!std::isnan(v) && v >= cut) out.selected.push_back(static_cast<std::int32_t>(g));
    }
    return out;
}

}  // namespace ct::cluster
