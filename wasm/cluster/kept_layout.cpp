#include "cluster/kept_layout.hpp"

#include <algorithm>
#include <stdexcept>

#include "cluster/umap_layout.hpp"

namespace ct::cluster {

std::shared_ptr<const KeptGraph> keep_graph(WeightedGraph graph, std::vector<float> init,
                                            std::vector<std::int32_t> clusters, std::uint64_t seed,
                                            std::size_t n_epochs) {
    auto kept = std::make_shared<KeptGraph>();
    kept->graph = std::move(graph);
    kept->init = std::move(init);
    kept->clusters = std::move(clusters);
    kept->seed = seed;
    kept->n_epochs = n_epochs;
    return kept;
}

namespace {

/// Cells sorted by cluster (stable), as the over-clustering orders its layout blocks.
std::vector<std::int32_t> order_by_cluster(const std::vector<std::int32_t>& clusters) {
    std::vector<std::int32_t> order(clusters.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int32_t>(i);
    std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
        return clusters[static_cast<std::size_t>(a)] < clusters[static_cast<std::size_t>(b)];
    });
    return order;
}

}  // namespace

std::vector<float> layout_kept_graph(const KeptGraph& kept, std::size_t n_threads) {
    const std::size_t n = kept.graph.n;
    if (n < 1) throw std::invalid_argument("the kept graph has no cells");
    if (kept.clusters.size() != n)
        throw std::invalid_argument("the kept graph's clusters do not match its cells");
    if (!kept.init.empty() && kept.init.size() != n * 2)
        throw std::invalid_argument("the kept graph's layout start does not match its cells");
    UmapOptions uo;
    uo.seed = kept.seed;
    uo.n_threads = std::max<std::size_t>(1, n_threads);
    uo.n_epochs = kept.n_epochs;
    uo.order = order_by_cluster(kept.clusters);
    return umap_layout(kept.graph, kept.init, uo);
}

}  // namespace ct::cluster
