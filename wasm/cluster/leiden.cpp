#include "cluster/leiden.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <deque>
#include <numeric>
#include <stdexcept>

#include "cluster/random.hpp"

namespace ct::cluster {

namespace {

/// One level of the hierarchy: a graph on (aggregate) nodes with node weights.
struct Level {
    std::size_t n = 0;
    std::vector<std::int64_t> indptr;
    std::vector<std::int32_t> indices;
    std::vector<double> weights;
    std::vector<double> node_weight;
};

/// Renumbers to 0.. by first occurrence; returns the number of clusters.
std::size_t compact(std::vector<std::int32_t>& membership) {
    std::int32_t max_label = -1;
    for (const auto c : membership) {
        if (c < 0) throw std::invalid_argument("cluster labels must be non-negative");
        max_label = std::max(max_label, c);
    }
    std::vector<std::int32_t> map(static_cast<std::size_t>(max_label) + 1, -1);
    std::int32_t next = 0;
    for (auto& c : membership) {
        if (map[static_cast<std::size_t>(c)] < 0) map[static_cast<std::size_t>(c)] = next++;
        c = map[static_cast<std::size_t>(c)];
    }
    return static_cast<std::size_t>(next);
}

/// Queue-based local moving (igraph's fastmovenodes). membership is updated in place and
/// compacted; returns the number of clusters.
std::size_t move_nodes(const Level& g, std::vector<std::int32_t>& membership, double res,
                       Random& rng) {
    const std::size_t n = g.n;
    std::vector<double> cluster_w(n, 0.0), edge_w(n, 0.0);
    std::vector<std::size_t> count(n, 0);
    for (std::size_t v = 0; v < n; ++v) {
        cluster_w[static_cast<std::size_t>(membership[v])] += g.node_weight[v];
        ++count[static_cast<std::size_t>(membership[v])];
    }
    std::vector<std::int32_t> empty;
    for (std::size_t c = n; c-- > 0;) {
        if (count[c] == 0) empty.push_back(static_cast<std::int32_t>(c));
    }
    std::vector<std::int32_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    rng.shuffle(order.begin(), order.end());
    std::deque<std::int32_t> queue(order.begin(), order.end());
    std::vector<std::uint8_t> queued(n, 1), added(n, 0);
    std::vector<std::int32_t> neigh;
    while (!queue.empty()) {
        const auto v = static_cast<std::size_t>(queue.front());
        queue.pop_front();
        queued[v] = 0;
        const auto current = static_cast<std::size_t>(membership[v]);
        const double wv = g.node_weight[v];
        cluster_w[current] -= wv;
        if (--count[current] == 0) empty.push_back(static_cast<std::int32_t>(current));
        // Candidates: an empty cluster first (gain 0), then the clusters of the neighbours.
        neigh.clear();
        const auto e = static_cast<std::size_t>(empty.back());
        neigh.push_back(static_cast<std::int32_t>(e));
        added[e] = 1;
        for (std::int64_t p = g.indptr[v]; p < g.indptr[v + 1]; ++p) {
            const auto u = static_cast<std::size_t>(g.indices[p]);
            if (u == v) continue;
            const auto c = static_cast<std::size_t>(membership[u]);
            if (!added[c]) {
                added[c] = 1;
                neigh.push_back(static_cast<std::int32_t>(c));
            }
            edge_w[c] += g.weights[p];
        }
        std::size_t best = current;
        double best_gain = edge_w[current] - wv * cluster_w[current] * res;
        for (const std::int32_t ci : neigh) {
            const auto c = static_cast<std::size_t>(ci);
            const double gain = edge_w[c] - wv * cluster_w[c] * res;
            if (gain > best_gain) {  // strictly better only, for convergence
                best_gain = gain;
                best = c;
            }
        }
        for (const std::int32_t ci : neigh) {
            edge_w[static_cast<std::size_t>(ci)] = 0.0;
            added[static_cast<std::size_t>(ci)] = 0;
        }
        edge_w[current] = 0.0;
        cluster_w[best] += wv;
        if (count[best]++ == 0) {
            // It was empty, so it is the top of the stack: the offered empty cluster, which is
            // `current` itself when v was alone.
            empty.pop_back();
        }
        if (best != current) {
            membership[v] = static_cast<std::int32_t>(best);
            for (std::int64_t p = g.indptr[v]; p < g.indptr[v + 1]; ++p) {
                const auto u = static_cast<std::size_t>(g.indices[p]);
                if (!queued[u] && static_cast<std::size_t>(membership[u]) != best) {
                    queued[u] = 1;
                    queue.push_back(static_cast<std::int32_t>(u));
                }
            }
        }
    }
    return compact(membership);
}

/// Refinement (igraph's mergenodes) of every cluster of `membership`, starting from
/// singletons. Returns the refined partition (compacted) and its size via n_refined.
std::vector<std::int32_t> refine(const Level& g, const std::vector<std::int32_t>& membership,
                                 std::size_t n_clusters, double res, double beta, Random& rng,
                                 std::size_t& n_refined) {
    const std::size_t n = g.n;
    std::vector<std::int32_t> refined(n);
    std::iota(refined.begin(), refined.end(), 0);
    std::vector<double> ref_w(g.node_weight), external(n, 0.0), edge_w(n, 0.0), cum(n, 0.0);
    std::vector<std::size_t> ref_count(n, 1);
    std::vector<double> total(n_clusters, 0.0);
    for (std::size_t v = 0; v < n; ++v) {
        total[static_cast<std::size_t>(membership[v])] += g.node_weight[v];
        for (std::int64_t p = g.indptr[v]; p < g.indptr[v + 1]; ++p) {
            const auto u = static_cast<std::size_t>(g.indices[p]);
            if (u != v && membership[u] == membership[v]) external[v] += g.weights[p];
        }
    }
    // Nodes of each cluster, each list shuffled.
    std::vector<std::size_t> start(n_clusters + 1, 0);
    for (std::size_t v = 0; v < n; ++v) ++start[static_cast<std::size_t>(membership[v]) + 1];
    for (std::size_t c = 0; c < n_clusters; ++c) start[c + 1] += start[c];
    std::vector<std::int32_t> nodes(n);
    {
        std::vector<std::size_t> fill(start.begin(), start.end() - 1);
        for (std::size_t v = 0; v < n; ++v)
            nodes[fill[static_cast<std::size_t>(membership[v])]++] = static_cast<std::int32_t>(v);
    }
    std::vector<std::uint8_t> added(n, 0);
    std::vector<std::int32_t> neigh;
    n_refined = n;
    for (std::size_t c = 0; c < n_clusters; ++c) {
        auto first = nodes.begin() + static_cast<std::ptrdiff_t>(start[c]);
        auto last = nodes.begin() + static_cast<std::ptrdiff_t>(start[c + 1]);
        rng.shuffle(first, last);
        const double tot = total[c];
        for (auto it = first; it != last; ++it) {
            const auto v = static_cast<std::size_t>(*it);
            const auto current = static_cast<std::size_t>(refined[v]);
            const double wv = g.node_weight[v];
            // Only singletons that are well connected to their cluster move.
            if (ref_count[current] != 1 ||
                external[current] < ref_w[current] * (tot - ref_w[current]) * res)
                continue;
            ref_w[current] = 0.0;
            external[current] = 0.0;
            ref_count[current] = 0;
            neigh.clear();
            neigh.push_back(static_cast<std::int32_t>(current));
            added[current] = 1;
            for (std::int64_t p = g.indptr[v]; p < g.indptr[v + 1]; ++p) {
                const auto u = static_cast<std::size_t>(g.indices[p]);
                if (u == v || static_cast<std::size_t>(membership[u]) != c) continue;
                const auto rc = static_cast<std::size_t>(refined[u]);
                if (!added[rc]) {
                    added[rc] = 1;
                    neigh.push_back(static_cast<std::int32_t>(rc));
                }
                edge_w[rc] += g.weights[p];
            }
            std::size_t chosen = current;
            double max_gain = 0.0, sum = 0.0;
            for (std::size_t i = 0; i < neigh.size(); ++i) {
                const auto rc = static_cast<std::size_t>(neigh[i]);
                if (external[rc] >= ref_w[rc] * (tot - ref_w[rc]) * res) {
                    const double gain = edge_w[rc] - wv * ref_w[rc] * res;
                    if (gain > max_gain) {
                        max_gain = gain;
                        chosen = rc;
                    }
                    if (gain >= 0) sum += std::exp(gain / beta);
                }
                cum[i] = sum;
            }
            if (sum < DBL_MAX) {
                const double r = rng.uniform() * sum;
                for (std::size_t i = 0; i < neigh.size(); ++i) {
                    if (cum[i] >= r) {
                        chosen = static_cast<std::size_t>(neigh[i]);
                        break;
                    }
                }
            }
            ref_w[chosen] += wv;
            ++ref_count[chosen];
            for (std::int64_t p = g.indptr[v]; p < g.indptr[v + 1]; ++p) {
                const auto u = static_cast<std::size_t>(g.indices[p]);
                if (u == v || static_cast<std::size_t>(membership[u]) != c) continue;
                if (static_cast<std::size_t>(refined[u]) == chosen) {
                    external[chosen] -= g.weights[p];
                } else {
                    external[chosen] += g.weights[p];
                }
            }
            if (chosen != current) --n_refined;
            refined[v] = static_cast<std::int32_t>(chosen);
            for (const std::int32_t rc : neigh) {
                edge_w[static_cast<std::size_t>(rc)] = 0.0;
                added[static_cast<std::size_t>(rc)] = 0;
            }
        }
    }
    compact(refined);
    return refined;
}

/// The graph of `parts` clusters of g: node weights and inter-cluster edge weights summed.
Level aggregate(const Level& g, const std::vector<std::int32_t>& part, std::size_t parts) {
    Level a;
    a.n = parts;
    a.node_weight.assign(parts, 0.0);
    std::vector<std::size_t> start(parts + 1, 0);
    for (std::size_t v = 0; v < g.n; ++v) {
        a.node_weight[static_cast<std::size_t>(part[v])] += g.node_weight[v];
        ++start[static_cast<std::size_t>(part[v]) + 1];
    }
    for (std::size_t c = 0; c < parts; ++c) start[c + 1] += start[c];
    std::vector<std::int32_t> nodes(g.n);
    {
        std::vector<std::size_t> fill(start.begin(), start.end() - 1);
        for (std::size_t v = 0; v < g.n; ++v)
            nodes[fill[static_cast<std::size_t>(part[v])]++] = static_cast<std::int32_t>(v);
    }
    std::vector<double> acc(parts, 0.0);
    std::vector<std::int32_t> touched;
    a.indptr.assign(1, 0);
    for (std::size_t c = 0; c < parts; ++c) {
        touched.clear();
        for (std::size_t i = start[c]; i < start[c + 1]; ++i) {
            const auto v = static_cast<std::size_t>(nodes[i]);
            for (std::int64_t p = g.indptr[v]; p < g.indptr[v + 1]; ++p) {
                const auto d =
                    static_cast<std::size_t>(part[static_cast<std::size_t>(g.indices[p])]);
                if (d == c) continue;
                if (acc[d] == 0.0) touched.push_back(static_cast<std::int32_t>(d));
                acc[d] += g.weights[p];
            }
        }
        std::sort(touched.begin(), touched.end());
        for (const std::int32_t d : touched) {
            a.indices.push_back(d);
            a.weights.push_back(acc[static_cast<std::size_t>(d)]);
            acc[static_cast<std::size_t>(d)] = 0.0;
        }
        a.indptr.push_back(static_cast<std::int64_t>(a.indices.size()));
    }
    return a;
}

/// One full Leiden pass from `membership` (in/out) on the original graph.
void leiden_pass(const Level& base, std::vector<std::int32_t>& membership, double res, double beta,
                 Random& rng) {
    Level level = base;
    std::vector<std::int32_t> node_of(base.n);  // original node -> node of the current level
    std::iota(node_of.begin(), node_of.end(), 0);
    std::vector<std::int32_t> part = membership;  // partition of the current level's nodes
    compact(part);
    for (;;) {
        const std::size_t n_clusters = move_nodes(level, part, res, rng);
        for (std::size_t i = 0; i < base.n; ++i)
            membership[i] = part[static_cast<std::size_t>(node_of[i])];
        if (n_clusters >= level.n) break;  // every cluster is a single node: done
        std::size_t n_refined = 0;
        std::vector<std::int32_t> refined =
            refine(level, part, n_clusters, res, beta, rng, n_refined);
        std::size_t parts = n_refined;
        if (n_refined >= level.n) {  // refinement merged nothing: aggregate the moved partition
            refined = part;
            parts = n_clusters;
        } else {
            parts = 0;
            for (const auto r : refined) parts = std::max(parts, static_cast<std::size_t>(r) + 1);
        }
        std::vector<std::int32_t> next_part(parts, 0);
        for (std::size_t v = 0; v < level.n; ++v)
            next_part[static_cast<std::size_t>(refined[v])] = part[v];
        for (auto& a : node_of) a = refined[static_cast<std::size_t>(a)];
        level = aggregate(level, refined, parts);
        part = std::move(next_part);
    }
    compact(membership);
}

}  // namespace

std::vector<std::int32_t> renumber_by_size(const std::vector<std::int32_t>& membership) {
    std::vector<std::int32_t> m = membership;
    const std::size_t k = compact(m);
    std::vector<std::size_t> size(k, 0);
    for (const auto c : m) ++size[static_cast<std::size_t>(c)];
    std::vector<std::int32_t> order(k);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
        return size[static_cast<std::size_t>(a)] > size[static_cast<std::size_t>(b)];
    });
    std::vector<std::int32_t> rank(k);
    for (std::size_t r = 0; r < k; ++r)
        rank[static_cast<std::size_t>(order[r])] = static_cast<std::int32_t>(r);
    for (auto& c : m) c = rank[static_cast<std::size_t>(c)];
    return m;
}

std::vector<std::int32_t> leiden(const WeightedGraph& graph, const LeidenOptions& options) {
    if (graph.n == 0) throw std::invalid_argument("Leiden needs a graph with at least one cell");
    if (graph.indptr.size() != graph.n + 1) throw std::invalid_argument("malformed graph");
    Level base;
    base.n = graph.n;
    base.indptr = graph.indptr;
    base.indices = graph.indices;
    base.weights = graph.weights;
    base.node_weight.assign(graph.n, 0.0);
    double total = 0.0;
    for (std::size_t v = 0; v < graph.n; ++v) {
        for (std::int64_t p = graph.indptr[v]; p < graph.indptr[v + 1]; ++p)
            base.node_weight[v] += graph.weights[p];
        total += base.node_weight[v];
    }
    std::vector<std::int32_t> membership(graph.n);
    std::iota(membership.begin(), membership.end(), 0);
    if (total <= 0.0) return membership;  // no edges: every cell alone
    const double res = options.resolution / total;
    Random rng(options.seed);
    const int passes = options.n_iterations;
    for (int it = 0; passes < 0 || it < passes; ++it) {
        const std::vector<std::int32_t> before = membership;
        leiden_pass(base, membership, res, options.beta, rng);
        if (passes < 0 && membership == before) break;
    }
    return renumber_by_size(membership);
}

double modularity(const WeightedGraph& graph, const std::vector<std::int32_t>& membership,
                  double resolution) {
    std::size_t k = 0;
    for (const auto c : membership) k = std::max(k, static_cast<std::size_t>(c) + 1);
    std::vector<double> in(k, 0.0), deg(k, 0.0);
    double two_m = 0.0;
    for (std::size_t v = 0; v < graph.n; ++v) {
        for (std::int64_t p = graph.indptr[v]; p < graph.indptr[v + 1]; ++p) {
            const auto u = static_cast<std::size_t>(graph.indices[p]);
            deg[static_cast<std::size_t>(membership[v])] += graph.weights[p];
            two_m += graph.weights[p];
            if (membership[u] == membership[v])
                in[static_cast<std::size_t>(membership[v])] += graph.weights[p];
        }
    }
    if (two_m <= 0.0) return 0.0;
    double q = 0.0;
    for (std::size_t c = 0; c < k; ++c) q += in[c] - resolution * deg[c] * deg[c] / two_m;
    return q / two_m;
}

}  // namespace ct::cluster
