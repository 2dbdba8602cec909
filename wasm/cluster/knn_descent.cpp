#include "cluster/knn_descent.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "cluster/random.hpp"
#include "parallel/parallel_for.hpp"

namespace ct::cluster {

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

/// Per-cell sorted neighbour lists of fixed size m (the cell itself excluded), by squared
/// distance (same order, no square roots in the search).
struct Heaps {
    std::size_t m = 0;
    std::vector<std::int32_t> idx;
    std::vector<float> dist;
    std::vector<std::uint8_t> fresh;  ///< not yet used in a local join

    Heaps(std::size_t n, std::size_t m_)
        : m(m_), idx(n * m_, -1), dist(n * m_, kInf), fresh(n * m_, 0) {}
    float worst(std::size_t v) const { return dist[v * m + m - 1]; }

    /// Inserts (u, d) into v's list if closer than its worst and not present; true if changed.
    bool push(std::size_t v, std::int32_t u, float d) {
        const std::size_t base = v * m;
        if (!(d < dist[base + m - 1])) return false;
        for (std::size_t j = 0; j < m; ++j) {
            if (idx[base + j] == u) return false;
        }
        std::size_t j = m - 1;
        while (j > 0 &&
               (dist[base + j - 1] > d || (dist[base + j - 1] == d && idx[base + j - 1] > u))) {
            idx[base + j] = idx[base + j - 1];
            dist[base + j] = dist[base + j - 1];
            fresh[base + j] = fresh[base + j - 1];
            --j;
        }
        idx[base + j] = u;
        dist[base + j] = d;
        fresh[base + j] = 1;
        return true;
    }
};

struct Proposal {
    std::int32_t p, q;
    float d;
};

/// splitmix64: a cheap, well-mixed hash for deterministic sampling priorities.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/// Leaves of one random-projection tree (index lists of at most leaf_size cells).
std::vector<std::vector<std::int32_t>> rp_tree_leaves(const PointsView& pts, std::size_t leaf_size,
                                                      std::uint64_t seed) {
    Random rng(seed);
    std::vector<std::vector<std::int32_t>> leaves;
    std::vector<std::vector<std::int32_t>> stack;
    stack.emplace_back(pts.n);
    std::iota(stack.back().begin(), stack.back().end(), 0);
    std::vector<float> normal(pts.dim);
    while (!stack.empty()) {
        std::vector<std::int32_t> node = std::move(stack.back());
        stack.pop_back();
        if (node.size() <= leaf_size) {
            leaves.push_back(std::move(node));
            continue;
        }
        const std::size_t a = rng.below(node.size());
        std::size_t b = rng.below(node.size());
        if (b == a) b = (a + 1) % node.size();
        const float* pa = pts.row(static_cast<std::size_t>(node[a]));
        const float* pb = pts.row(static_cast<std::size_t>(node[b]));
        double offset = 0.0;
        for (std::size_t d = 0; d < pts.dim; ++d) {
            normal[d] = pa[d] - pb[d];
            offset -= static_cast<double>(normal[d]) * (pa[d] + pb[d]) * 0.5;
        }
        std::vector<std::int32_t> left, right;
        for (const std::int32_t i : node) {
            const float* x = pts.row(static_cast<std::size_t>(i));
            double s = offset;
            for (std::size_t d = 0; d < pts.dim; ++d) s += static_cast<double>(normal[d]) * x[d];
            (s > 0 || (s == 0 && (rng.bits() & 1))) ? left.push_back(i) : right.push_back(i);
        }
        if (left.empty() || right.empty()) {  // degenerate split (duplicates): halve at random
            rng.shuffle(node.begin(), node.end());
            left.assign(node.begin(), node.begin() + static_cast<std::ptrdiff_t>(node.size() / 2));
            right.assign(node.begin() + static_cast<std::ptrdiff_t>(node.size() / 2), node.end());
        }
        stack.push_back(std::move(left));
        stack.push_back(std::move(right));
    }
    return leaves;
}

/// Applies proposals in order; returns how many changed a list.
std::size_t apply_proposals(Heaps& heaps, const std::vector<std::vector<Proposal>>& batches) {
    std::size_t changed = 0;
    for (const auto& batch : batches) {
        for (const auto& pr : batch) {
            changed += heaps.push(static_cast<std::size_t>(pr.p), pr.q, pr.d);
            changed += heaps.push(static_cast<std::size_t>(pr.q), pr.p, pr.d);
        }
    }
    return changed;
}

}  // namespace

KnnGraph knn_descent(const PointsView& pts, const DescentOptions& options) {
    const std::size_t n = pts.n;
    if (n < 2) throw std::invalid_argument("a neighbour graph needs at least 2 cells");
    const std::size_t k = std::min(options.k, n);
    const std::size_t m = k - 1;  // neighbours besides the cell itself
    const std::size_t threads = std::max<std::size_t>(1, options.n_threads);
    const std::size_t n_trees =
        options.n_trees > 0
            ? options.n_trees
            : std::min<std::size_t>(64, 5 + static_cast<std::size_t>(std::lround(
                                                std::sqrt(static_cast<double>(n)) / 20.0)));
    const std::size_t leaf = std::max<std::size_t>(options.leaf_size, std::max<std::size_t>(k, 2));
    const std::size_t max_iter =
        options.max_iterations > 0
            ? options.max_iterations
            : std::max<std::size_t>(
                  5, static_cast<std::size_t>(std::lround(std::log2(static_cast<double>(n)))));
    const std::size_t max_cand =
        options.max_candidates > 0 ? options.max_candidates : std::size_t{60};

    KnnGraph g;
    g.n = n;
    g.k = k;
    g.indices.resize(n * k);
    g.distances.resize(n * k);
    if (m == 0) {
        for (std::size_t i = 0; i < n; ++i)
            g.indices[i] = static_cast<std::int32_t>(i), g.distances[i] = 0.0f;
        return g;
    }
    Heaps heaps(n, m);
    std::vector<std::vector<Proposal>> batches(threads);

    // Initial graph: all pairs within each leaf of each random-projection tree.
    for (std::size_t t = 0; t < n_trees; ++t) {
        const auto leaves = rp_tree_leaves(pts, leaf, mix(options.seed * 1315423911ULL + t));
        for (auto& b : batches) b.clear();
        parallel::parallel_for(
            leaves.size(), threads, [&](std::size_t lo, std::size_t hi, std::size_t th) {
                auto& out = batches[th];
                for (std::size_t l = lo; l < hi; ++l) {
                    const auto& cells = leaves[l];
                    for (std::size_t a = 0; a < cells.size(); ++a)
                        for (std::size_t b = a + 1; b < cells.size(); ++b) {
                            const std::int32_t p = cells[a], q = cells[b];
                            const float d =
                                squared_distance(pts.row(static_cast<std::size_t>(p)),
                                                 pts.row(static_cast<std::size_t>(q)), pts.dim);
                            if (d < heaps.worst(static_cast<std::size_t>(p)) ||
                                d < heaps.worst(static_cast<std::size_t>(q)))
                                out.push_back({p, q, d});
                        }
                }
            });
        apply_proposals(heaps, batches);
    }

    // NN-descent rounds: sample new/old candidates (forward and reverse), join them locally.
    std::vector<std::int32_t> new_c(n * max_cand), old_c(n * max_cand);
    // 32-bit sampling priorities: 60 candidates per cell cost 16 bytes each, not 24.
    std::vector<std::uint32_t> new_p(n * max_cand), old_p(n * max_cand);
    std::vector<std::uint32_t> new_n(n), old_n(n);
    auto offer = [&](std::vector<std::int32_t>& cand, std::vector<std::uint32_t>& prio,
                     std::vector<std::uint32_t>& cnt, std::size_t v, std::int32_t u,
                     std::uint32_t pr) {
        const std::size_t base = v * max_cand;
        std::uint32_t& c = cnt[v];
        for (std::uint32_t j = 0; j < c; ++j) {
            if (cand[base + j] == u) return;
        }
        if (c < max_cand) {
            cand[base + c] = u;
            prio[base + c] = pr;
            ++c;
            return;
        }
        // Full: replace the entry with the largest priority if ours is smaller.
        std::size_t worst = 0;
        for (std::size_t j = 1; j < max_cand; ++j) {
            if (prio[base + j] > prio[base + worst]) worst = j;
        }
        if (pr < prio[base + worst]) cand[base + worst] = u, prio[base + worst] = pr;
    };
    for (std::size_t it = 0; it < max_iter; ++it) {
        std::fill(new_n.begin(), new_n.end(), 0u);
        std::fill(old_n.begin(), old_n.end(), 0u);
        const std::uint64_t round_seed = mix(options.seed ^ (0xabcdef12345ULL + it));
        for (std::size_t v = 0; v < n; ++v) {
            for (std::size_t j = 0; j < m; ++j) {
                const std::int32_t u = heaps.idx[v * m + j];
                if (u < 0) continue;
                const auto pr = static_cast<std::uint32_t>(
                    mix(round_seed ^
                        (static_cast<std::uint64_t>(v) << 32 | static_cast<std::uint32_t>(u))) >>
                    32);
                if (heaps.fresh[v * m + j]) {
                    offer(new_c, new_p, new_n, v, u, pr);
                    offer(new_c, new_p, new_n, static_cast<std::size_t>(u),
                          static_cast<std::int32_t>(v), pr);
                } else {
                    offer(old_c, old_p, old_n, v, u, pr);
                    offer(old_c, old_p, old_n, static_cast<std::size_t>(u),
                          static_cast<std::int32_t>(v), pr);
                }
            }
        }
        // Entries sampled as new candidates of their own cell are now old.
        for (std::size_t v = 0; v < n; ++v) {
            for (std::size_t j = 0; j < m; ++j) {
                if (!heaps.fresh[v * m + j]) continue;
                const std::int32_t u = heaps.idx[v * m + j];
                const auto* c = &new_c[v * max_cand];
                if (std::find(c, c + new_n[v], u) != c + new_n[v]) heaps.fresh[v * m + j] = 0;
            }
        }
        for (auto& b : batches) b.clear();
        parallel::parallel_for(
            n, threads,
            [&](std::size_t lo, std::size_t hi, std::size_t th) {
                auto& out = batches[th];
                auto consider = [&](std::int32_t p, std::int32_t q) {
                    if (p == q) return;
                    const float d = squared_distance(pts.row(static_cast<std::size_t>(p)),
                                                     pts.row(static_cast<std::size_t>(q)), pts.dim);
                    if (d < heaps.worst(static_cast<std::size_t>(p)) ||
                        d < heaps.worst(static_cast<std::size_t>(q)))
                        out.push_back({p, q, d});
                };
                for (std::size_t v = lo; v < hi; ++v) {
                    const auto* nc = &new_c[v * max_cand];
                    const auto* oc = &old_c[v * max_cand];
                    for (std::uint32_t a = 0; a < new_n[v]; ++a) {
                        for (std::uint32_t b = a + 1; b < new_n[v]; ++b) consider(nc[a], nc[b]);
                        for (std::uint32_t b = 0; b < old_n[v]; ++b) consider(nc[a], oc[b]);
                    }
                }
            },
            256);
        const std::size_t changed = apply_proposals(heaps, batches);
        if (static_cast<double>(changed) < options.delta * static_cast<double>(n * k)) break;
    }

    for (std::size_t i = 0; i < n; ++i) {
        g.indices[i * k] = static_cast<std::int32_t>(i);
        g.distances[i * k] = 0.0f;
        for (std::size_t j = 0; j < m; ++j) {
            g.indices[i * k + 1 + j] = heaps.idx[i * m + j];
            g.distances[i * k + 1 + j] = std::sqrt(heaps.dist[i * m + j]);
        }
    }
    return g;
}

}  // namespace ct::cluster
