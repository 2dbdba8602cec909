#include "cluster/umap_layout.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace ct::cluster {

namespace {

float clip4(float v) { return std::clamp(v, -4.0f, 4.0f); }

/// Rescales each coordinate to [0, 10] like umap does after initialization.
void rescale(std::vector<float>& y, std::size_t n) {
    for (std::size_t d = 0; d < 2; ++d) {
        float lo = INFINITY, hi = -INFINITY;
        for (std::size_t i = 0; i < n; ++i)
            lo = std::min(lo, y[i * 2 + d]), hi = std::max(hi, y[i * 2 + d]);
        const float span = hi > lo ? hi - lo : 1.0f;
        for (std::size_t i = 0; i < n; ++i) y[i * 2 + d] = 10.0f * (y[i * 2 + d] - lo) / span;
    }
}

}  // namespace

std::vector<float> umap_layout(const WeightedGraph& graph, const std::vector<float>& init,
                               const UmapOptions& options) {
    const std::size_t n = graph.n;
    if (!init.empty() && init.size() != n * 2)
        throw std::invalid_argument("UMAP initial coordinates must be n x 2");
    std::mt19937_64 rng(options.seed);
    std::vector<float> y(n * 2);
    if (init.empty()) {
        std::uniform_real_distribution<float> u(-10.0f, 10.0f);
        for (auto& v : y) v = u(rng);
    } else {
        float m = 0.0f;
        for (const float v : init) m = std::max(m, std::fabs(v));
        const float expand = m > 0 ? 10.0f / m : 1.0f;
        std::normal_distribution<float> noise(0.0f, 1e-4f);
        for (std::size_t i = 0; i < y.size(); ++i) y[i] = init[i] * expand + noise(rng);
    }
    rescale(y, n);
    if (n < 2 || graph.n_edges() == 0) return y;

    const std::size_t epochs = options.n_epochs > 0 ? options.n_epochs : (n <= 10000 ? 500 : 200);
    // Edges too weak to be sampled even once are dropped (umap zeroes w < max / n_epochs).
    const double wmax = *std::max_element(graph.weights.begin(), graph.weights.end());
    std::vector<std::int32_t> head, tail;
    std::vector<double> per_sample;
    for (std::size_t i = 0; i < n; ++i) {
        for (std::int64_t p = graph.indptr[i]; p < graph.indptr[i + 1]; ++p) {
            const double w = graph.weights[p];
            if (w < wmax / static_cast<double>(epochs)) continue;
            head.push_back(static_cast<std::int32_t>(i));
            tail.push_back(graph.indices[p]);
            per_sample.push_back(wmax / w);
        }
    }
    const std::size_t E = head.size();
    const double neg_rate =
        static_cast<double>(std::max<std::size_t>(options.negative_sample_rate, 1));
    std::vector<double> next_sample(per_sample), per_neg(E), next_neg(E);
    for (std::size_t e = 0; e < E; ++e)
        per_neg[e] = per_sample[e] / neg_rate, next_neg[e] = per_neg[e];
    const float a = static_cast<float>(options.a), b = static_cast<float>(options.b);
    const float gamma = static_cast<float>(options.gamma);
    std::uniform_int_distribution<std::size_t> pick(0, n - 1);
    for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
        const float alpha =
            static_cast<float>(options.learning_rate *
                               (1.0 - static_cast<double>(epoch) / static_cast<double>(epochs)));
        const double now = static_cast<double>(epoch);
        for (std::size_t e = 0; e < E; ++e) {
            if (next_sample[e] > now) continue;
            float* cur = &y[static_cast<std::size_t>(head[e]) * 2];
            float* oth = &y[static_cast<std::size_t>(tail[e]) * 2];
            float dx = cur[0] - oth[0], dy = cur[1] - oth[1];
            float d2 = dx * dx + dy * dy;
            if (d2 > 0.0f) {
                const float coeff =
                    -2.0f * a * b * std::pow(d2, b - 1.0f) / (a * std::pow(d2, b) + 1.0f);
                const float gx = clip4(coeff * dx), gy = clip4(coeff * dy);
                cur[0] += gx * alpha, cur[1] += gy * alpha;
                oth[0] -= gx * alpha, oth[1] -= gy * alpha;
            }
            next_sample[e] += per_sample[e];
            const double due = std::floor((now - next_neg[e]) / per_neg[e]);
            const std::size_t n_neg = due > 0.0 ? static_cast<std::size_t>(due) : 0;
            for (std::size_t s = 0; s < n_neg; ++s) {
                const std::size_t k = pick(rng);
                if (k == static_cast<std::size_t>(head[e])) continue;
                oth = &y[k * 2];
                dx = cur[0] - oth[0], dy = cur[1] - oth[1];
                d2 = dx * dx + dy * dy;
                if (d2 > 0.0f) {
                    const float coeff =
                        2.0f * gamma * b / ((0.001f + d2) * (a * std::pow(d2, b) + 1.0f));
                    cur[0] += clip4(coeff * dx) * alpha, cur[1] += clip4(coeff * dy) * alpha;
                } else {
                    cur[0] += 4.0f * alpha, cur[1] += 4.0f * alpha;
                }
            }
            next_neg[e] += static_cast<double>(n_neg) * per_neg[e];
        }
    }
    return y;
}

}  // namespace ct::cluster
