#include "cluster/leiden.hpp"

#include <gtest/gtest.h>

#include <map>
#include <queue>
#include <random>
#include <set>

namespace ct::cluster {
namespace {

WeightedGraph from_edges(std::size_t n, const std::vector<std::tuple<int, int, double>>& edges) {
    std::vector<std::int64_t> indptr(n + 1, 0);
    std::vector<std::int32_t> indices;
    std::vector<double> w;
    std::vector<std::vector<std::pair<int, double>>> adj(n);
    for (const auto& [a, b, x] : edges) adj[a].emplace_back(b, x), adj[b].emplace_back(a, x);
    for (std::size_t i = 0; i < n; ++i) {
        for (const auto& [j, x] : adj[i]) indices.push_back(j), w.push_back(x);
        indptr[i + 1] = static_cast<std::int64_t>(indices.size());
    }
    return graph_from_csr(n, indptr.data(), indices.data(), w.data());
}

/// `cliques` cliques of `size` nodes in a ring, neighbouring cliques joined by one edge.
WeightedGraph ring_of_cliques(int cliques, int size) {
    std::vector<std::tuple<int, int, double>> e;
    for (int c = 0; c < cliques; ++c) {
        for (int a = 0; a < size; ++a)
            for (int b = a + 1; b < size; ++b) e.emplace_back(c * size + a, c * size + b, 1.0);
        e.emplace_back(c * size, ((c + 1) % cliques) * size + 1, 1.0);
    }
    return from_edges(static_cast<std::size_t>(cliques * size), e);
}

TEST(Leiden, FindsTheCliquesOfARing) {
    const WeightedGraph g = ring_of_cliques(8, 6);
    LeidenOptions o;
    const auto m = leiden(g, o);
    for (int c = 0; c < 8; ++c)
        for (int a = 1; a < 6; ++a) EXPECT_EQ(m[c * 6 + a], m[c * 6]);
    EXPECT_EQ(std::set<std::int32_t>(m.begin(), m.end()).size(), 8u);
    // Modularity of the clique partition: 8 clusters, each 15 internal + 1 boundary edge per side.
    EXPECT_GT(modularity(g, m), 0.8);
}

TEST(Leiden, HigherResolutionGivesMoreClusters) {
    std::mt19937_64 rng(1);
    std::uniform_int_distribution<int> node(0, 299);
    std::vector<std::tuple<int, int, double>> e;
    for (int i = 0; i < 1500; ++i) {
        const int a = node(rng), b = node(rng);
        if (a != b) e.emplace_back(a, b, 1.0);
    }
    const WeightedGraph g = from_edges(300, e);
    LeidenOptions o;
    o.resolution = 1;
    const auto low = leiden(g, o);
    o.resolution = 5;
    const auto high = leiden(g, o);
    const auto count = [](const std::vector<std::int32_t>& m) {
        return std::set<std::int32_t>(m.begin(), m.end()).size();
    };
    EXPECT_GT(count(high), count(low));
    // Better than the trivial partitions at its own resolution.
    EXPECT_GT(modularity(g, low, 1.0), modularity(g, std::vector<std::int32_t>(300, 0), 1.0));
}

TEST(Leiden, ClustersAreConnectedAndSeedDeterministic) {
    std::mt19937_64 rng(2);
    std::uniform_int_distribution<int> node(0, 399);
    std::uniform_real_distribution<double> w(0.1, 1.0);
    std::vector<std::tuple<int, int, double>> e;
    for (int i = 0; i < 1600; ++i) {
        const int a = node(rng), b = node(rng);
        if (a != b) e.emplace_back(a, b, w(rng));
    }
    const WeightedGraph g = from_edges(400, e);
    LeidenOptions o;
    o.resolution = 3;
    o.seed = 9;
    const auto m = leiden(g, o);
    EXPECT_EQ(m, leiden(g, o));
    // Leiden's guarantee: every cluster induces a connected subgraph.
    std::map<std::int32_t, std::vector<int>> members;
    for (int v = 0; v < 400; ++v) members[m[v]].push_back(v);
    for (const auto& [c, nodes] : members) {
        std::set<int> seen = {nodes[0]};
        std::queue<int> q;
        q.push(nodes[0]);
        while (!q.empty()) {
            const int v = q.front();
            q.pop();
            for (std::int64_t p = g.indptr[v]; p < g.indptr[v + 1]; ++p) {
                const int u = g.indices[p];
                if (m[u] == c && seen.insert(u).second) q.push(u);
            }
        }
        EXPECT_EQ(seen.size(), nodes.size()) << "cluster " << c;
    }
}

TEST(Leiden, IsolatedNodesStayAlone) {
    const WeightedGraph g = from_edges(4, {{0, 1, 1.0}});
    const auto m = leiden(g);
    EXPECT_EQ(m[0], m[1]);
    EXPECT_NE(m[2], m[3]);
    EXPECT_EQ(m[0], 0);  // the largest cluster is numbered 0
}

TEST(RenumberBySize, LargestFirstTiesByFirstOccurrence) {
    EXPECT_EQ(renumber_by_size({7, 3, 3, 9, 7, 3}), (std::vector<std::int32_t>{1, 0, 0, 2, 1, 0}));
}

}  // namespace
}  // namespace ct::cluster
