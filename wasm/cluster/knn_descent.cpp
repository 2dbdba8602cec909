#include "cluster/knn_descent.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "cluster/rp_forest.hpp"
#include "parallel/parallel_for.hpp"

namespace ct::cluster {

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

/// Cells whose proposals are generated together and then applied (pynndescent's 16,384):
/// later blocks test their pairs against lists the earlier blocks already improved. Fixed, so
/// the result does not depend on the thread count.
constexpr std::size_t kJoinBlock = 16384;
/// Cells per proposal buffer within a join block (the unit of parallel work).
constexpr std::size_t kJoinChunk = 256;

/// Per-cell sorted neighbour lists of fixed size m (the cell itself excluded), by squared
/// distance then index, so that the lists do not depend on the order of insertions.
struct Heaps {
    std::size_t m = 0;
    std::vector<std::int32_t> idx;
    std::vector<float> dist;
    std::vector<std::uint8_t> fresh;  ///< not yet used in a local join

    Heaps(std::size_t n, std::size_t m_)
        : m(m_), idx(n * m_, -1), dist(n * m_, kInf), fresh(n * m_, 0) {}
    float worst(std::size_t v) const { return dist[v * m + m - 1]; }
    bool contains(std::size_t v, std::int32_t u) const {
        const std::int32_t* row = &idx[v * m];
        for (std::size_t j = 0; j < m; ++j) {
            if (row[j] == u) return true;
        }
        return false;
    }

    /// Inserts (u, d) into v's list if better than its worst and not present; true if changed.
    bool push(std::size_t v, std::int32_t u, float d) {
        const std::size_t base = v * m;
        const float w = dist[base + m - 1];
        if (d > w || (d == w && u >= idx[base + m - 1])) return false;
        if (contains(v, u)) return false;
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

/// splitmix64: a cheap, well-mixed hash for deterministic sampling priorities.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/// The points reordered by the leaves of one random-projection tree: cells close in space get
/// close positions, so the lists, candidates and coordinates a join touches share cache lines
/// (at 200,000 cells the coordinates alone are 40 MB). `order[p]` is the cell at position p;
/// the tree's leaves are the runs `leaf_start` of positions.
struct Reordered {
    std::vector<std::int32_t> order;
    std::vector<std::int64_t> leaf_start;
    std::vector<float> data;
    std::vector<float> tree_data;  ///< the first tree_dims coordinates, in the same order
    PointsView view() const {
        return PointsView{data.data(), order.size(), data.size() / order.size()};
    }
    PointsView tree_view() const {
        return PointsView{tree_data.data(), order.size(), tree_data.size() / order.size()};
    }
};

/// The first `dims` coordinates of each point (all of them when dims is 0 or larger).
std::vector<float> leading(const PointsView& pts, std::size_t dims) {
    const std::size_t t = dims == 0 ? pts.dim : std::min(dims, pts.dim);
    std::vector<float> out(pts.n * t);
    for (std::size_t i = 0; i < pts.n; ++i)
        std::copy(pts.row(i), pts.row(i) + t, out.begin() + static_cast<std::ptrdiff_t>(i * t));
    return out;
}

Reordered reorder_by_tree(const PointsView& pts, std::size_t tree_dims, std::size_t leaf,
                          std::uint64_t seed) {
    const std::vector<float> lead = leading(pts, tree_dims);
    const std::size_t t = lead.size() / pts.n;
    RpLeaves tree = rp_tree_leaves(PointsView{lead.data(), pts.n, t}, leaf, seed);
    Reordered r;
    r.order = std::move(tree.cells);
    r.leaf_start = std::move(tree.leaf_start);
    r.data.resize(pts.n * pts.dim);
    r.tree_data.resize(pts.n * t);
    for (std::size_t p = 0; p < pts.n; ++p) {
        const auto c = static_cast<std::size_t>(r.order[p]);
        const float* src = pts.row(c);
        std::copy(src, src + pts.dim, r.data.begin() + static_cast<std::ptrdiff_t>(p * pts.dim));
        std::copy(lead.begin() + static_cast<std::ptrdiff_t>(c * t),
                  lead.begin() + static_cast<std::ptrdiff_t>(c * t + t),
                  r.tree_data.begin() + static_cast<std::ptrdiff_t>(p * t));
    }
    return r;
}

/// All pairs of each leaf go into both lists. Leaves are disjoint, so each leaf's task writes
/// only its own cells' lists.
void join_leaves(const PointsView& pts, Heaps& heaps, const RpLeaves& tree, std::size_t threads) {
    parallel::parallel_for(
        tree.n_leaves(), threads, [&](std::size_t lo, std::size_t hi, std::size_t) {
            for (std::size_t l = lo; l < hi; ++l) {
                const std::int32_t* c = &tree.cells[static_cast<std::size_t>(tree.leaf_start[l])];
                const auto size =
                    static_cast<std::size_t>(tree.leaf_start[l + 1] - tree.leaf_start[l]);
                for (std::size_t a = 0; a < size; ++a) {
                    const auto p = static_cast<std::size_t>(c[a]);
                    for (std::size_t b = a + 1; b < size; ++b) {
                        const auto q = static_cast<std::size_t>(c[b]);
                        const float d = squared_distance(pts.row(p), pts.row(q), pts.dim);
                        heaps.push(p, c[b], d);
                        heaps.push(q, c[a], d);
                    }
                }
            }
        });
}

/// Initial lists: all pairs within each leaf of each random-projection tree. The first tree is
/// the one `pts` was reordered by (its leaves are runs of positions); the others are built on
/// `tree_pts` (the same points' leading coordinates) a few at a time in parallel and joined in
/// tree order.
void init_from_forest(const PointsView& pts, const PointsView& tree_pts,
                      const std::vector<std::int64_t>& first_leaves, Heaps& heaps,
                      std::size_t n_trees, std::size_t leaf, std::uint64_t seed,
                      std::size_t threads) {
    RpLeaves first;
    first.leaf_start = first_leaves;
    first.cells.resize(pts.n);
    for (std::size_t p = 0; p < pts.n; ++p) first.cells[p] = static_cast<std::int32_t>(p);
    join_leaves(pts, heaps, first, threads);
    for (std::size_t t0 = 1; t0 < n_trees; t0 += threads) {
        std::vector<std::uint64_t> seeds;
        for (std::size_t t = t0; t < std::min(n_trees, t0 + threads); ++t)
            seeds.push_back(mix(seed * 1315423911ULL + t));
        for (const RpLeaves& tree : rp_forest(tree_pts, seeds, leaf, threads))
            join_leaves(pts, heaps, tree, threads);
    }
}

/// Lists the forest left short (cells in leaves smaller than k) are filled with random cells,
/// as pynndescent does; each cell's draws depend on the seed and the cell alone.
void fill_short_lists(const PointsView& pts, Heaps& heaps, std::uint64_t seed,
                      std::size_t threads) {
    const std::size_t n = pts.n;
    parallel::parallel_for(n, threads, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t v = lo; v < hi; ++v) {
            std::uint64_t state = mix(seed ^ (0x5eedULL + v));
            for (std::size_t tries = 0; heaps.worst(v) == kInf && tries < 4 * heaps.m; ++tries) {
                state = mix(state);
                const auto u = static_cast<std::size_t>((state >> 32) * n >> 32);
                if (u == v) continue;
                heaps.push(v, static_cast<std::int32_t>(u),
                           squared_distance(pts.row(v), pts.row(u), pts.dim));
            }
            for (std::size_t s = 1; heaps.worst(v) == kInf && s < n; ++s) {  // tiny n
                const std::size_t u = (v + s) % n;
                heaps.push(v, static_cast<std::int32_t>(u),
                           squared_distance(pts.row(v), pts.row(u), pts.dim));
            }
        }
    });
}

/// Each cell's candidates of a round: its list's entries and the cells listing it, split into
/// new (entry not yet joined) and old, at most `cap` of each, those of smallest sampling
/// priority. Stored compactly by cell (new ones first), not as n x cap arrays.
struct Candidates {
    std::vector<std::int64_t> start;  ///< per cell, n + 1
    std::vector<std::uint32_t> n_new, n_old;
    std::vector<std::int32_t> idx;
    std::vector<std::uint32_t> key;  ///< fresh flag (top bit clear = new) | 31-bit priority
    const std::int32_t* fresh_of(std::size_t v) const {
        return &idx[static_cast<std::size_t>(start[v])];
    }
    const std::int32_t* old_of(std::size_t v) const { return fresh_of(v) + n_new[v]; }
};

/// Sampling priority of the pair {a, b} in a round: the same from both ends, so a candidate
/// met twice (forward and reverse edge) has one value and the selection does not depend on
/// the order it is met in.
std::uint32_t pair_priority(std::uint64_t round_seed, std::int32_t a, std::int32_t b) {
    const auto lo = static_cast<std::uint32_t>(std::min(a, b));
    const auto hi = static_cast<std::uint32_t>(std::max(a, b));
    return static_cast<std::uint32_t>(mix(round_seed ^ (std::uint64_t{lo} << 32 | hi)) >> 33);
}

/// Gathers every list entry forward and reverse, then keeps per cell the `cap` new and `cap`
/// old candidates of smallest (priority, index), and marks the list entries sampled as new
/// candidates of their own cell as old.
void build_candidates(Heaps& heaps, std::uint64_t round_seed, std::size_t cap, Candidates& c,
                      std::size_t threads) {
    const std::size_t n = heaps.idx.size() / heaps.m, m = heaps.m;
    // Each thread scans every list but counts and fills only its own cells' entries, in list
    // order: the same layout for any thread count.
    auto own_entries = [&](auto&& fn) {
        parallel::parallel_for(threads, threads, [&](std::size_t t, std::size_t, std::size_t) {
            const std::size_t block = (n + threads - 1) / threads;
            const std::size_t lo = std::min(n, t * block), hi = std::min(n, lo + block);
            for (std::size_t v = 0; v < n; ++v) {
                for (std::size_t j = 0; j < m; ++j) {
                    const std::int32_t u = heaps.idx[v * m + j];
                    if (u < 0) continue;
                    const auto uu = static_cast<std::size_t>(u);
                    if (v >= lo && v < hi) fn(v, j, v, u);
                    if (uu >= lo && uu < hi) fn(v, j, uu, static_cast<std::int32_t>(v));
                }
            }
        });
    };
    c.start.assign(n + 1, 0);
    own_entries(
        [&](std::size_t, std::size_t, std::size_t owner, std::int32_t) { ++c.start[owner + 1]; });
    for (std::size_t v = 0; v < n; ++v) c.start[v + 1] += c.start[v];
    const auto total = static_cast<std::size_t>(c.start[n]);
    c.idx.resize(total);
    c.key.resize(total);
    std::vector<std::int64_t> fill(c.start.begin(), c.start.end() - 1);
    own_entries([&](std::size_t v, std::size_t j, std::size_t owner, std::int32_t other) {
        const std::int32_t u = heaps.idx[v * m + j];
        const auto a = static_cast<std::size_t>(fill[owner]++);
        c.idx[a] = other;
        c.key[a] = pair_priority(round_seed, static_cast<std::int32_t>(v), u) |
                   (heaps.fresh[v * m + j] ? 0u : 0x80000000u);
    });
    c.n_new.assign(n, 0);
    c.n_old.assign(n, 0);
    parallel::parallel_for(n, threads, [&](std::size_t lo, std::size_t hi, std::size_t) {
        std::vector<std::pair<std::uint32_t, std::int32_t>> tmp;
        for (std::size_t v = lo; v < hi; ++v) {
            const auto s = static_cast<std::size_t>(c.start[v]);
            const auto e = static_cast<std::size_t>(c.start[v + 1]);
            tmp.clear();
            for (std::size_t a = s; a < e; ++a) tmp.emplace_back(c.key[a], c.idx[a]);
            std::sort(tmp.begin(), tmp.end());  // new first, then by priority and index
            std::size_t out = s;
            for (std::size_t a = 0; a < tmp.size(); ++a) {
                if (a > 0 && tmp[a] == tmp[a - 1]) continue;  // same pair met twice
                const bool is_new = (tmp[a].first & 0x80000000u) == 0;
                std::uint32_t& count = is_new ? c.n_new[v] : c.n_old[v];
                if (count >= cap) continue;
                ++count;
                c.idx[out++] = tmp[a].second;
            }
            const std::int32_t* nc = c.fresh_of(v);
            for (std::size_t j = 0; j < m; ++j) {
                if (heaps.fresh[v * m + j] &&
                    std::find(nc, nc + c.n_new[v], heaps.idx[v * m + j]) != nc + c.n_new[v])
                    heaps.fresh[v * m + j] = 0;
            }
        }
    });
}

struct Proposal {
    std::int32_t p, q;
    float d;
};

/// The local join of one round: for each cell, every pair of its new candidates and every new
/// candidate with every old one is a proposed edge, kept if it would improve either list.
/// Returns how many list entries changed.
std::size_t local_join(const PointsView& pts, Heaps& heaps, const Candidates& cand,
                       std::size_t threads) {
    const std::size_t n = pts.n;
    std::vector<std::vector<Proposal>> buffers(kJoinBlock / kJoinChunk);
    std::vector<std::size_t> changed(threads, 0);
    for (std::size_t b0 = 0; b0 < n; b0 += kJoinBlock) {
        const std::size_t b1 = std::min(n, b0 + kJoinBlock);
        const std::size_t n_chunks = (b1 - b0 + kJoinChunk - 1) / kJoinChunk;
        parallel::parallel_for(n_chunks, threads, [&](std::size_t c0, std::size_t c1, std::size_t) {
            for (std::size_t ch = c0; ch < c1; ++ch) {
                auto& out = buffers[ch];
                out.clear();
                auto consider = [&](std::int32_t p, std::int32_t q) {
                    const auto pp = static_cast<std::size_t>(p), qq = static_cast<std::size_t>(q);
                    const float d = squared_distance(pts.row(pp), pts.row(qq), pts.dim);
                    if (d < heaps.worst(pp) || d < heaps.worst(qq)) out.push_back({p, q, d});
                };
                const std::size_t v1 = std::min(b1, b0 + (ch + 1) * kJoinChunk);
                for (std::size_t v = b0 + ch * kJoinChunk; v < v1; ++v) {
                    const std::int32_t* nc = cand.fresh_of(v);
                    const std::int32_t* oc = cand.old_of(v);
                    const std::uint32_t nn = cand.n_new[v], no = cand.n_old[v];
                    for (std::uint32_t a = 0; a < nn; ++a) {
                        for (std::uint32_t b = a + 1; b < nn; ++b) consider(nc[a], nc[b]);
                        for (std::uint32_t b = 0; b < no; ++b) {
                            if (nc[a] != oc[b]) consider(nc[a], oc[b]);
                        }
                    }
                }
            }
        });
        // Applied in chunk order; each thread updates only its own cells' lists.
        parallel::parallel_for(threads, threads, [&](std::size_t t, std::size_t, std::size_t) {
            const std::size_t block = (n + threads - 1) / threads;
            const auto lo = static_cast<std::int32_t>(std::min(n, t * block));
            const auto hi = static_cast<std::int32_t>(std::min(n, t * block + block));
            std::size_t count = 0;
            for (std::size_t ch = 0; ch < n_chunks; ++ch) {
                for (const Proposal& pr : buffers[ch]) {
                    if (pr.p >= lo && pr.p < hi)
                        count += heaps.push(static_cast<std::size_t>(pr.p), pr.q, pr.d);
                    if (pr.q >= lo && pr.q < hi)
                        count += heaps.push(static_cast<std::size_t>(pr.q), pr.p, pr.d);
                }
            }
            changed[t] += count;
        });
    }
    std::size_t total = 0;
    for (const auto c : changed) total += c;
    return total;
}

}  // namespace

KnnGraph knn_descent(const PointsView& points, const DescentOptions& options) {
    const std::size_t n = points.n;
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
    // Everything below works on positions in the first tree's leaf order.
    const Reordered re =
        reorder_by_tree(points, n >= options.tree_dims_from ? options.tree_dims : 0, leaf,
                        mix(options.seed * 1315423911ULL));
    const PointsView pts = re.view();
    Heaps heaps(n, m);
    init_from_forest(pts, re.tree_view(), re.leaf_start, heaps, n_trees, leaf, options.seed,
                     threads);
    fill_short_lists(pts, heaps, options.seed, threads);

    Candidates cand;
    for (std::size_t it = 0; it < max_iter; ++it) {
        build_candidates(heaps, mix(options.seed ^ (0xabcdef12345ULL + it)), max_cand, cand,
                         threads);
        const std::size_t changed = local_join(pts, heaps, cand, threads);
        if (static_cast<double>(changed) < options.delta * static_cast<double>(n * k)) break;
    }

    for (std::size_t p = 0; p < n; ++p) {
        const auto i = static_cast<std::size_t>(re.order[p]);
        g.indices[i * k] = static_cast<std::int32_t>(i);
        g.distances[i * k] = 0.0f;
        for (std::size_t j = 0; j < m; ++j) {
            g.indices[i * k + 1 + j] = re.order[static_cast<std::size_t>(heaps.idx[p * m + j])];
            g.distances[i * k + 1 + j] = std::sqrt(heaps.dist[p * m + j]);
        }
    }
    return g;
}

}  // namespace ct::cluster
