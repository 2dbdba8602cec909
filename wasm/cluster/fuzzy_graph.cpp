#include "cluster/fuzzy_graph.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace ct::cluster {

namespace {
constexpr float kTolerance = 1e-5f;      // umap's SMOOTH_K_TOLERANCE
constexpr float kMinKDistScale = 1e-3f;  // umap's MIN_K_DIST_SCALE
}  // namespace

void smooth_knn_dist(const KnnGraph& knn, std::vector<float>& sigma, std::vector<float>& rho) {
    const std::size_t n = knn.n, k = knn.k;
    sigma.assign(n, 0.0f);
    rho.assign(n, 0.0f);
    const float target = static_cast<float>(std::log2(static_cast<double>(k)));
    double total = 0.0;
    for (const float d : knn.distances) total += d;
    const float mean_all =
        n * k > 0 ? static_cast<float>(total / static_cast<double>(n * k)) : 0.0f;
    for (std::size_t i = 0; i < n; ++i) {
        const float* d = &knn.distances[i * k];
        // rho: the first nonzero distance (local_connectivity = 1).
        for (std::size_t j = 0; j < k; ++j) {
            if (d[j] > 0.0f) {
                rho[i] = d[j];
                break;
            }
        }
        float lo = 0.0f, hi = std::numeric_limits<float>::infinity(), mid = 1.0f;
        for (int it = 0; it < 64; ++it) {
            float psum = 0.0f;
            for (std::size_t j = 1; j < k; ++j) {
                const float r = d[j] - rho[i];
                psum += r > 0 ? std::exp(-(r / mid)) : 1.0f;
            }
            if (std::fabs(psum - target) < kTolerance) break;
            if (psum > target) {
                hi = mid;
                mid = (lo + hi) / 2.0f;
            } else {
                lo = mid;
                mid = std::isinf(hi) ? mid * 2.0f : (lo + hi) / 2.0f;
            }
        }
        float mean_i = 0.0f;
        for (std::size_t j = 0; j < k; ++j) mean_i += d[j];
        mean_i /= static_cast<float>(k);
        const float floor = kMinKDistScale * (rho[i] > 0.0f ? mean_i : mean_all);
        sigma[i] = std::max(mid, floor);
    }
}

namespace {

/// Sums duplicate (row, col) entries of a coordinate list into CSR.
WeightedGraph to_csr(std::size_t n, std::vector<std::pair<std::int64_t, double>>& entries) {
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    WeightedGraph g;
    g.n = n;
    g.indptr.assign(n + 1, 0);
    for (std::size_t e = 0; e < entries.size();) {
        std::size_t f = e;
        double w = 0.0;
        while (f < entries.size() && entries[f].first == entries[e].first) w += entries[f++].second;
        const auto row = static_cast<std::size_t>(entries[e].first / static_cast<std::int64_t>(n));
        const auto col = static_cast<std::int32_t>(entries[e].first % static_cast<std::int64_t>(n));
        if (w > 0.0) {
            g.indices.push_back(col);
            g.weights.push_back(w);
            ++g.indptr[row + 1];
        }
        e = f;
    }
    for (std::size_t i = 0; i < n; ++i) g.indptr[i + 1] += g.indptr[i];
    return g;
}

}  // namespace

WeightedGraph fuzzy_connectivities(const KnnGraph& knn) {
    std::vector<float> sigma, rho;
    smooth_knn_dist(knn, sigma, rho);
    const std::size_t n = knn.n, k = knn.k;
    // Directed memberships, then A + A^T - A o A^T: for a pair present both ways
    // w = a + b - a*b, else the single weight.
    std::vector<std::pair<std::int64_t, double>> directed;
    directed.reserve(n * k);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < k; ++j) {
            const std::int32_t u = knn.indices[i * k + j];
            if (u < 0 || static_cast<std::size_t>(u) == i) continue;
            const float d = knn.distances[i * k + j];
            float w;
            if (d - rho[i] <= 0.0f || sigma[i] == 0.0f) {
                w = 1.0f;
            } else {
                w = std::exp(-((d - rho[i]) / sigma[i]));
            }
            directed.emplace_back(static_cast<std::int64_t>(i) * static_cast<std::int64_t>(n) + u,
                                  static_cast<double>(w));
        }
    }
    WeightedGraph a = to_csr(n, directed);
    auto lookup = [&](std::size_t r, std::int32_t c) {
        const auto* b = a.indices.data() + a.indptr[r];
        const auto* e = a.indices.data() + a.indptr[r + 1];
        for (const auto* p = b; p != e; ++p) {
            if (*p == c) return a.weights[static_cast<std::size_t>(p - a.indices.data())];
        }
        return 0.0;
    };
    std::vector<std::pair<std::int64_t, double>> sym;
    sym.reserve(2 * a.n_edges());
    for (std::size_t i = 0; i < n; ++i) {
        for (std::int64_t p = a.indptr[i]; p < a.indptr[i + 1]; ++p) {
            const std::int32_t j = a.indices[p];
            const double w = a.weights[p];
            const double wt = lookup(static_cast<std::size_t>(j), static_cast<std::int32_t>(i));
            const double v = w + wt - w * wt;
            sym.emplace_back(static_cast<std::int64_t>(i) * static_cast<std::int64_t>(n) + j, v);
            if (wt == 0.0)
                sym.emplace_back(static_cast<std::int64_t>(j) * static_cast<std::int64_t>(n) +
                                     static_cast<std::int64_t>(i),
                                 v);
        }
    }
    return to_csr(n, sym);
}

WeightedGraph graph_from_csr(std::size_t n, const std::int64_t* indptr, const std::int32_t* indices,
                             const double* weights) {
    if (indptr[0] != 0) throw std::invalid_argument("graph indptr must start at 0");
    std::vector<std::pair<std::int64_t, double>> entries;
    for (std::size_t i = 0; i < n; ++i) {
        if (indptr[i + 1] < indptr[i]) throw std::invalid_argument("graph indptr is not ascending");
        for (std::int64_t p = indptr[i]; p < indptr[i + 1]; ++p) {
            const std::int32_t j = indices[p];
            if (j < 0 || static_cast<std::size_t>(j) >= n)
                throw std::invalid_argument("graph column index out of range");
            if (static_cast<std::size_t>(j) == i || !(weights[p] > 0.0) ||
                !std::isfinite(weights[p]))
                continue;
            entries.emplace_back(static_cast<std::int64_t>(i) * static_cast<std::int64_t>(n) + j,
                                 weights[p]);
        }
    }
    return to_csr(n, entries);
}

}  // namespace ct::cluster
