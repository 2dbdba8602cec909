#include "cluster/umap_layout.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "cluster/random.hpp"

namespace ct::cluster {

namespace {

float clip4(float v) { return std::clamp(v, -4.0f, 4.0f); }

/// x^y for x > 0 through fast log2/exp2 approximations (relative error ~1e-4): the layout is
/// a stochastic optimization and powf dominated its run time.
inline float fast_pow(float x, float y) {
    // log2: exponent bits plus a cubic on the mantissa in [1, 2).
    std::uint32_t bits;
    std::memcpy(&bits, &x, 4);
    const float e = static_cast<float>(static_cast<int>((bits >> 23) & 0xff) - 127);
    bits = (bits & 0x007fffffu) | 0x3f800000u;
    float m;
    std::memcpy(&m, &bits, 4);
    const float lg = e + ((0.15824870f * m - 1.05187502f) * m + 3.04818010f) * m - 2.15564634f;
    // exp2: integer part into the exponent, a cubic for the fraction.
    float t = std::clamp(y * lg, -126.0f, 126.0f);
    const float fi = std::floor(t);
    const float f = t - fi;
    const float p = ((0.07944154f * f + 0.22741840f) * f + 0.69314718f) * f + 1.0f;
    const std::uint32_t ebits = static_cast<std::uint32_t>(static_cast<int>(fi) + 127) << 23;
    float scale;
    std::memcpy(&scale, &ebits, 4);
    return p * scale;
}

/// xorshift32, as umap's tau_rand_int family: cheap draws for negative sampling.
struct XorShift {
    std::uint32_t s;
    std::uint32_t operator()() {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        return s;
    }
};

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
    Random rng(options.seed);
    std::vector<float> y(n * 2);
    if (init.empty()) {
        for (auto& v : y) v = static_cast<float>(rng.uniform() * 20.0 - 10.0);
    } else {
        float m = 0.0f;
        for (const float v : init) m = std::max(m, std::fabs(v));
        const float expand = m > 0 ? 10.0f / m : 1.0f;
        for (std::size_t i = 0; i < y.size(); ++i)
            y[i] = init[i] * expand + static_cast<float>(1e-4 * rng.normal());
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
    XorShift pick{static_cast<std::uint32_t>(rng.bits() | 1u)};
    const auto n32 = static_cast<std::uint64_t>(n);
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
                const float pb = fast_pow(d2, b);
                const float coeff = -2.0f * a * b * (pb / d2) / (a * pb + 1.0f);
                const float gx = clip4(coeff * dx), gy = clip4(coeff * dy);
                cur[0] += gx * alpha, cur[1] += gy * alpha;
                oth[0] -= gx * alpha, oth[1] -= gy * alpha;
            }
            next_sample[e] += per_sample[e];
            const double due = std::floor((now - next_neg[e]) / per_neg[e]);
            const std::size_t n_neg = due > 0.0 ? static_cast<std::size_t>(due) : 0;
            // Repulsions are computed from the position before this edge's negative samples
            // and applied together: independent samples pipeline well, while applying each at
            // once (as umap does) chains their latencies. The difference is one step's drift.
            const float cx = cur[0], cy = cur[1];
            float rx = 0.0f, ry = 0.0f;
            for (std::size_t s = 0; s < n_neg; ++s) {
                const auto k =
                    static_cast<std::size_t>((static_cast<std::uint64_t>(pick()) * n32) >> 32);
                if (k == static_cast<std::size_t>(head[e])) continue;
                const float ex = cx - y[k * 2], ey = cy - y[k * 2 + 1];
                const float e2 = ex * ex + ey * ey;
                if (e2 > 0.0f) {
                    const float coeff =
                        2.0f * gamma * b / ((0.001f + e2) * (a * fast_pow(e2, b) + 1.0f));
                    rx += clip4(coeff * ex), ry += clip4(coeff * ey);
                } else {  // coincident cells: umap pushes by the clip bound
                    rx += 4.0f, ry += 4.0f;
                }
            }
            cur[0] += rx * alpha, cur[1] += ry * alpha;
            next_neg[e] += static_cast<double>(n_neg) * per_neg[e];
        }
    }
    return y;
}

}  // namespace ct::cluster
