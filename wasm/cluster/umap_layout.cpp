#include "cluster/umap_layout.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "cluster/fast_pow.hpp"
#include "cluster/random.hpp"
#include "cluster/rounds.hpp"
#include "cluster/umap_negatives.hpp"

namespace ct::cluster {

namespace {

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

/// splitmix64 finalizer: independent, well-mixed streams per (epoch, block).
inline std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/// The edges of each cell (CSR by head, cells renumbered in processing order) with umap's
/// sampling schedule, in float as umappp keeps it (epochs count to at most a few hundred).
struct EdgePlan {
    std::vector<std::int64_t> start{0};  ///< per cell, into the arrays below
    std::vector<std::int32_t> tail;
    std::vector<float> per_sample;   ///< epochs between samples of the edge (wmax / w)
    std::vector<float> next_sample;  ///< epoch of the next sample
    std::vector<float> per_neg;      ///< epochs between negative samples (per_sample / rate)
    std::vector<float> next_neg;     ///< epoch of the next negative sample
};

/// Edges too weak to be sampled even once are dropped (umap zeroes w < max / n_epochs).
/// `order[p]` is the cell processed p-th; the plan speaks of positions p.
EdgePlan plan_edges(const WeightedGraph& graph, const std::vector<std::int32_t>& order,
                    std::size_t epochs, double neg_rate) {
    const double wmax = *std::max_element(graph.weights.begin(), graph.weights.end());
    std::vector<std::int32_t> rank(graph.n);
    for (std::size_t p = 0; p < graph.n; ++p)
        rank[static_cast<std::size_t>(order[p])] = static_cast<std::int32_t>(p);
    EdgePlan plan;
    plan.start.reserve(graph.n + 1);
    for (std::size_t p = 0; p < graph.n; ++p) {
        const auto i = static_cast<std::size_t>(order[p]);
        for (std::int64_t q = graph.indptr[i]; q < graph.indptr[i + 1]; ++q) {
            const double w = graph.weights[q];
            if (w < wmax / static_cast<double>(epochs)) continue;
            plan.tail.push_back(rank[static_cast<std::size_t>(graph.indices[q])]);
            plan.per_sample.push_back(static_cast<float>(wmax / w));
            plan.per_neg.push_back(plan.per_sample.back() / static_cast<float>(neg_rate));
            plan.next_neg.push_back(static_cast<float>(wmax / w / neg_rate));
        }
        plan.start.push_back(static_cast<std::int64_t>(plan.tail.size()));
    }
    plan.next_sample = plan.per_sample;
    return plan;
}

struct EpochConstants {
    float a, b, gamma, alpha, neg_rate, now;
    std::uint64_t seed;
    std::uint64_t n;
};

/// A move of a cell of another block, applied after the epoch.
struct Deferred {
    std::int32_t cell;
    float dx, dy;
};

/// The attractions of cell i at (cx, cy) towards its `count` due neighbours `tails`, four at a
/// time; each neighbour takes the opposite move (umap's move_other): in place when it is in this
/// block [lo, hi), else deferred to `out`. Returns the cell's summed move.
template <class At>
Float2 attraction(std::size_t i, float cx, float cy, const std::int32_t* tails, std::size_t count,
                  const At& at, std::size_t lo, std::size_t hi, float* to,
                  std::vector<std::vector<Deferred>>& out, std::size_t block_size,
                  const EpochConstants& k) {
    Float4 sx = {0, 0, 0, 0}, sy = {0, 0, 0, 0};
    const float scale = -2.0f * k.a * k.b;
    for (std::size_t s0 = 0; s0 < count; s0 += 4) {
        std::size_t t[4];
        for (std::size_t l = 0; l < 4; ++l)  // lanes past count: the cell itself, no force
            t[l] = s0 + l < count ? static_cast<std::size_t>(tails[s0 + l]) : i;
        const float *o0 = at(t[0]), *o1 = at(t[1]), *o2 = at(t[2]), *o3 = at(t[3]);
        const Float4 dx = cx - Float4{o0[0], o1[0], o2[0], o3[0]};
        const Float4 dy = cy - Float4{o0[1], o1[1], o2[1], o3[1]};
        const Float4 r2 = dx * dx + dy * dy;
        const Float4 d2 = r2 > 0.0f ? r2 : Float4{1, 1, 1, 1};
        const Float4 pb = fast_pow4(d2, k.b);
        const Float4 coeff = scale * pb / (d2 * (k.a * pb + 1.0f));
        const Float4 gx = clamp4(coeff * dx, -4.0f, 4.0f) * k.alpha;
        const Float4 gy = clamp4(coeff * dy, -4.0f, 4.0f) * k.alpha;
        sx += gx, sy += gy;
        for (std::size_t l = 0; l < 4 && s0 + l < count; ++l) {
            if (t[l] >= lo && t[l] < hi) {
                to[t[l] * 2] -= gx[l], to[t[l] * 2 + 1] -= gy[l];
            } else {
                out[t[l] / block_size].push_back({static_cast<std::int32_t>(t[l]), -gx[l], -gy[l]});
            }
        }
    }
    return {(sx[0] + sx[1]) + (sx[2] + sx[3]), (sy[0] + sy[1]) + (sy[2] + sy[3])};
}

/// The cells [lo, hi) of one block in one epoch, umap's SGD: each cell in turn is attracted by
/// its neighbours whose edge is due (both ends move, umap's move_other) and repelled by those
/// edges' negative samples. The due edges go in groups of four, each group's attractions and
/// negative samples computed from the cell's position before the group (umap moves the cell
/// after each sample): one chain of dependent arithmetic per group instead of one per sample,
/// and four samples share a SIMD computation. (All of a cell's samples from one position was
/// faster still but separated the fixtures' types less: silhouette 0.02 lower.) Cells of other
/// blocks are read as they were at the start of the epoch (`from`) and their share of a move is
/// deferred to `out` (applied after the epoch), so blocks run in parallel and the result does not
/// depend on the thread count. Cells sorted by cluster keep most edges in a block.
void move_block(std::size_t lo, std::size_t hi, EdgePlan& plan, const float* from, float* to,
                const NegativePool& pool, std::vector<std::vector<Deferred>>& out,
                std::size_t block_size, const EpochConstants& k, std::vector<std::int32_t>& due) {
    std::copy(from + lo * 2, from + hi * 2, to + lo * 2);
    // Where this block starts reading negative samples this epoch.
    std::size_t cursor = static_cast<std::size_t>(
        (mix(k.seed ^ (static_cast<std::uint64_t>(k.now) * k.n + lo)) >> 32) * pool.size() >> 32);
    auto at = [&](std::size_t j) { return j >= lo && j < hi ? to + j * 2 : from + j * 2; };
    for (std::size_t i = lo; i < hi; ++i) {
        const auto degree = static_cast<std::size_t>(plan.start[i + 1] - plan.start[i]);
        if (due.size() < degree * 2) due.resize(degree * 2);
        std::size_t n_due = 0;
        for (std::int64_t e = plan.start[i]; e < plan.start[i + 1]; ++e) {
            if (plan.next_sample[e] > k.now) continue;
            plan.next_sample[e] += plan.per_sample[e];
            const float per_neg = plan.per_neg[e];
            const float d = std::floor((k.now - plan.next_neg[e]) / per_neg);
            const int c = d > 0.0f ? static_cast<int>(d) : 0;
            plan.next_neg[e] += static_cast<float>(c) * per_neg;
            due[n_due * 2] = plan.tail[e], due[n_due * 2 + 1] = c;
            ++n_due;
        }
        if (n_due == 0) continue;
        float* cur = to + i * 2;
        for (std::size_t g0 = 0; g0 < n_due; g0 += 4) {
            const std::size_t count = std::min<std::size_t>(4, n_due - g0);
            std::int32_t tails[4];
            int n_neg = 0;
            for (std::size_t l = 0; l < count; ++l)
                tails[l] = due[(g0 + l) * 2], n_neg += due[(g0 + l) * 2 + 1];
            const float cx = cur[0], cy = cur[1];
            const Float2 g =
                attraction(i, cx, cy, tails, count, at, lo, hi, to, out, block_size, k);
            const Float2 r = pool.repel(i, cx, cy, n_neg, cursor, k.a, k.b, k.gamma);
            cur[0] = cx + g.x + r.x * k.alpha, cur[1] = cy + g.y + r.y * k.alpha;
        }
    }
}

}  // namespace

std::size_t default_epochs(std::size_t n) {
    if (n <= 10000) return 500;
    return n <= 100000 ? 200 : 150;
}

std::vector<float> umap_layout(const WeightedGraph& graph, const std::vector<float>& init,
                               const UmapOptions& options) {
    const std::size_t n = graph.n;
    if (!init.empty() && init.size() != n * 2)
        throw std::invalid_argument("UMAP initial coordinates must be n x 2");
    if (!options.order.empty() && options.order.size() != n)
        throw std::invalid_argument("UMAP processing order must list every cell once");
    Random rng(options.seed);
    std::vector<float> y(n * 2);
    if (init.empty()) {
        for (auto& v : y) v = static_cast<float>(rng.uniform() * 20.0 - 10.0);
    } else {
        float m = 0.0f;
        for (const float v : init) m = std::max(m, std::fabs(v));
        const float expand = m > 0 ? 10.0f / m : 1.0f;
        // Uniform jitter (no libm call, so native and wasm draw the same numbers).
        for (std::size_t i = 0; i < y.size(); ++i)
            y[i] = init[i] * expand + static_cast<float>(1e-4 * (2.0 * rng.uniform() - 1.0));
    }
    rescale(y, n);
    if (n < 2 || graph.n_edges() == 0) return y;

    std::vector<std::int32_t> order = options.order;
    if (order.empty()) {
        order.resize(n);
        for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::int32_t>(i);
    }
    {
        std::vector<char> seen(n, 0);
        for (const auto c : order) {
            if (c < 0 || static_cast<std::size_t>(c) >= n || seen[static_cast<std::size_t>(c)]++)
                throw std::invalid_argument("UMAP processing order must list every cell once");
        }
    }
    const std::size_t epochs = options.n_epochs > 0 ? options.n_epochs : default_epochs(n);
    const double neg_rate =
        static_cast<double>(std::max<std::size_t>(options.negative_sample_rate, 1));
    EdgePlan plan = plan_edges(graph, order, epochs, neg_rate);
    EpochConstants k{};
    k.a = static_cast<float>(options.a), k.b = static_cast<float>(options.b);
    k.gamma = static_cast<float>(options.gamma);
    k.neg_rate = static_cast<float>(neg_rate);
    k.seed = rng.bits();
    k.n = n;
    // Positions in processing order, double-buffered: epoch e reads buffer e % 2, writes the other.
    std::vector<float> pos(n * 2), other(n * 2);
    for (std::size_t p = 0; p < n; ++p) {
        const auto c = static_cast<std::size_t>(order[p]);
        pos[p * 2] = y[c * 2], pos[p * 2 + 1] = y[c * 2 + 1];
    }
    float* buf[2] = {pos.data(), other.data()};
    NegativePool pool(n, rng.bits());
    for (std::size_t p = 0; p < n; ++p) pool.put(p, pos[p * 2], pos[p * 2 + 1]);
    const std::size_t bs = std::max<std::size_t>(options.block_size, 1);
    const std::size_t n_blocks = (n + bs - 1) / bs;
    // deferred[source block][target block]: moves of cells of other blocks, applied in a second
    // round of each epoch by the target block, in source-block order.
    std::vector<std::vector<std::vector<Deferred>>> deferred(
        n_blocks, std::vector<std::vector<Deferred>>(n_blocks));
    std::vector<std::vector<std::int32_t>> due(n_blocks);  // per block: a cell's due neighbours
    parallel_rounds(2 * epochs, n_blocks, options.n_threads,
                    [&](std::size_t round, std::size_t b0, std::size_t b1) {
                        const std::size_t epoch = round / 2;
                        float* to = buf[(epoch + 1) % 2];
                        if (round % 2 == 1) {
                            for (std::size_t b = b0; b < b1; ++b) {
                                for (std::size_t s = 0; s < n_blocks; ++s) {
                                    for (const auto& d : deferred[s][b]) {
                                        to[static_cast<std::size_t>(d.cell) * 2] += d.dx;
                                        to[static_cast<std::size_t>(d.cell) * 2 + 1] += d.dy;
                                    }
                                    deferred[s][b].clear();
                                }
                                const std::size_t hi = std::min(n, (b + 1) * bs);
                                for (std::size_t p = b * bs; p < hi; ++p)
                                    pool.put(p, to[p * 2], to[p * 2 + 1]);
                            }
                            return;
                        }
                        EpochConstants ke = k;
                        ke.now = static_cast<float>(epoch);
                        ke.alpha = static_cast<float>(
                            options.learning_rate *
                            (1.0 - static_cast<double>(epoch) / static_cast<double>(epochs)));
                        for (std::size_t b = b0; b < b1; ++b)
                            move_block(b * bs, std::min(n, (b + 1) * bs), plan, buf[epoch % 2], to,
                                       pool, deferred[b], bs, ke, due[b]);
                    });
    const float* last = buf[epochs % 2];
    for (std::size_t p = 0; p < n; ++p) {
        const auto c = static_cast<std::size_t>(order[p]);
        y[c * 2] = last[p * 2], y[c * 2 + 1] = last[p * 2 + 1];
    }
    return y;
}

}  // namespace ct::cluster
