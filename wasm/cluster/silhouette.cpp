#include "cluster/silhouette.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "cluster/random.hpp"

namespace ct::cluster {

double silhouette(const std::vector<float>& points, std::size_t dim,
                  const std::vector<std::int32_t>& labels, std::size_t max_points) {
    const std::size_t n = labels.size();
    if (dim == 0 || points.size() != n * dim)
        throw std::invalid_argument("silhouette: points and labels differ in size");
    // A fixed random subset: evenly spaced cells could alias with periodic labels.
    std::vector<std::size_t> cells(n);
    for (std::size_t i = 0; i < n; ++i) cells[i] = i;
    const std::size_t m = max_points > 0 ? std::min(n, max_points) : n;
    Random rng(20240601);
    for (std::size_t s = 0; s < m && m < n; ++s) std::swap(cells[s], cells[s + rng.below(n - s)]);
    cells.resize(m);
    std::int32_t n_groups = 0;
    for (const auto c : cells) {
        if (labels[c] < 0) throw std::invalid_argument("silhouette: negative label");
        n_groups = std::max(n_groups, labels[c] + 1);
    }
    std::vector<double> sum(static_cast<std::size_t>(n_groups));
    std::vector<std::size_t> size(static_cast<std::size_t>(n_groups), 0);
    for (const auto c : cells) ++size[static_cast<std::size_t>(labels[c])];
    if (std::count_if(size.begin(), size.end(), [](std::size_t s) { return s > 0; }) < 2)
        throw std::invalid_argument("silhouette needs at least 2 groups");
    double total = 0.0;
    for (const auto i : cells) {
        std::fill(sum.begin(), sum.end(), 0.0);
        for (const auto j : cells) {
            double d2 = 0.0;
            for (std::size_t d = 0; d < dim; ++d) {
                const double t = static_cast<double>(points[i * dim + d]) - points[j * dim + d];
                d2 += t * t;
            }
            sum[static_cast<std::size_t>(labels[j])] += std::sqrt(d2);
        }
        const auto own = static_cast<std::size_t>(labels[i]);
        if (size[own] < 2) continue;  // sklearn: 0 for singletons
        const double a = sum[own] / static_cast<double>(size[own] - 1);
        double b = std::numeric_limits<double>::infinity();
        for (std::size_t g = 0; g < sum.size(); ++g)
            if (g != own && size[g] > 0) b = std::min(b, sum[g] / static_cast<double>(size[g]));
        const double denom = std::max(a, b);
        total += denom > 0 ? (b - a) / denom : 0.0;
    }
    return total / static_cast<double>(cells.size());
}

}  // namespace ct::cluster
