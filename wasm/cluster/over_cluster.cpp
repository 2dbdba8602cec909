#include "cluster/over_cluster.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "cluster/highly_variable.hpp"
#include "cluster/knn.hpp"
#include "cluster/leiden.hpp"
#include "cluster/pca.hpp"
#include "cluster/scale.hpp"
#include "cluster/umap_layout.hpp"

namespace ct::cluster {

double default_resolution(std::size_t n) {
    if (n < 5000) return 5;
    if (n < 20000) return 10;
    if (n < 40000) return 15;
    if (n < 100000) return 20;
    if (n < 200000) return 25;
    return 30;
}

std::vector<std::int32_t> select_genes(const GeneStats& stats, const OverClusterOptions& options) {
    const std::vector<std::int32_t> kept = genes_with_min_cells(stats, options.min_cells);
    const auto mean_all = stats.expm1_mean();
    const auto var_all = stats.expm1_variance();
    std::vector<double> mean(kept.size()), var(kept.size());
    for (std::size_t i = 0; i < kept.size(); ++i) {
        mean[i] = mean_all[static_cast<std::size_t>(kept[i])];
        var[i] = var_all[static_cast<std::size_t>(kept[i])];
    }
    HighlyVariableOptions hv;
    hv.n_top_genes = std::min(options.n_top_genes, kept.size());
    const auto result = highly_variable_seurat(mean, var, hv);
    std::vector<std::int32_t> genes;
    genes.reserve(result.selected.size());
    for (const auto s : result.selected) genes.push_back(kept[static_cast<std::size_t>(s)]);
    return genes;
}

SubsetBuilder::SubsetBuilder(std::size_t n_genes, const std::vector<std::int32_t>& genes)
    : slot_(n_genes, -1) {
    for (std::size_t i = 0; i < genes.size(); ++i) {
        const auto g = genes[i];
        if (g < 0 || static_cast<std::size_t>(g) >= n_genes)
            throw std::invalid_argument("selected gene out of range");
        slot_[static_cast<std::size_t>(g)] = static_cast<std::int32_t>(i);
    }
    m_.n_cols = genes.size();
}

void SubsetBuilder::add(const float* data, const std::int32_t* indices, const std::int64_t* indptr,
                        std::size_t n_rows) {
    const std::int64_t base = indptr[0];
    const auto n_genes = static_cast<std::int32_t>(slot_.size());
    for (std::size_t r = 0; r < n_rows; ++r) {
        const std::size_t row_start = m_.data.size();
        for (std::int64_t p = indptr[r] - base; p < indptr[r + 1] - base; ++p) {
            const std::int32_t g = indices[p];
            if (g < 0 || g >= n_genes)
                throw std::invalid_argument("gene index out of range in the expression matrix");
            const std::int32_t s = slot_[static_cast<std::size_t>(g)];
            if (s < 0 || data[p] == 0.0f) continue;
            m_.data.push_back(data[p]);
            m_.indices.push_back(s);
        }
        // Columns ascending within the row (input order need not be).
        if (!std::is_sorted(m_.indices.begin() + static_cast<std::ptrdiff_t>(row_start),
                            m_.indices.end())) {
            std::vector<std::pair<std::int32_t, float>> tmp;
            for (std::size_t p = row_start; p < m_.data.size(); ++p)
                tmp.emplace_back(m_.indices[p], m_.data[p]);
            std::sort(tmp.begin(), tmp.end());
            for (std::size_t p = 0; p < tmp.size(); ++p)
                m_.indices[row_start + p] = tmp[p].first, m_.data[row_start + p] = tmp[p].second;
        }
        m_.indptr.push_back(static_cast<std::int64_t>(m_.data.size()));
        ++m_.n_rows;
    }
}

SparseRows SubsetBuilder::take() {
    SparseRows out = std::move(m_);
    m_ = SparseRows{};
    m_.n_cols = out.n_cols;
    return out;
}

namespace {

void report(const Progress& progress, const char* step, double fraction) {
    if (progress) progress(step, fraction);
}

/// Cells sorted by cluster (stable): the layout's blocks then hold whole clusters.
std::vector<std::int32_t> cells_by_cluster(const std::vector<std::int32_t>& clusters) {
    std::vector<std::int32_t> order(clusters.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int32_t>(i);
    std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
        return clusters[static_cast<std::size_t>(a)] < clusters[static_cast<std::size_t>(b)];
    });
    return order;
}

void cluster_and_layout(const WeightedGraph& graph, const std::vector<float>& init,
                        const OverClusterOptions& options, const Progress& progress,
                        double leiden_at, double layout_at, OverClusterResult& out) {
    LeidenOptions lo;
    lo.resolution = options.resolution > 0 ? options.resolution : default_resolution(graph.n);
    lo.beta = options.beta / 2.0;  // see OverClusterOptions::beta
    lo.n_iterations = options.n_iterations;
    lo.seed = options.seed;
    report(progress, "leiden", leiden_at);
    out.clusters = leiden(graph, lo);
    out.resolution = lo.resolution;
    out.n_clusters = 0;
    for (const auto c : out.clusters)
        out.n_clusters = std::max(out.n_clusters, static_cast<std::size_t>(c) + 1);
    if (options.layout) {
        report(progress, "layout", layout_at);
        UmapOptions uo;
        uo.seed = options.seed;
        uo.n_threads = options.n_threads;
        uo.n_epochs = options.n_epochs;
        uo.order = cells_by_cluster(out.clusters);
        out.layout = umap_layout(graph, init, uo);
    }
    report(progress, "done", 1.0);
}

}  // namespace

namespace {

/// The fuzzy kNN graph of some points, and the layout's start (their first two coordinates).
struct GraphAndInit {
    WeightedGraph graph;
    std::vector<float> init;
};

/// kNN graph -> connectivities. The kNN lists are freed on return: at 1M cells the layout's
/// memory peak comes later, and what is freed before it is room the later steps reuse.
GraphAndInit neighbour_graph(const PointsView& points, const OverClusterOptions& options,
                             const Progress& progress) {
    report(progress, "neighbors", 0.35);
    KnnOptions ko;
    ko.k = std::min(options.n_neighbors, points.n);
    ko.seed = options.seed;
    ko.n_threads = options.n_threads;
    GraphAndInit out;
    out.graph = fuzzy_connectivities(find_neighbors(points, ko));
    if (options.layout || options.keep_graph) {
        out.init.resize(points.n * 2);
        for (std::size_t i = 0; i < points.n; ++i) {
            out.init[i * 2] = points.row(i)[0];
            out.init[i * 2 + 1] = points.dim > 1 ? points.row(i)[1] : 0.0f;
        }
    }
    return out;
}

/// Leiden (-> layout) of a neighbour graph, which is kept for a later layout when asked.
void cluster_graph(GraphAndInit g, const OverClusterOptions& options, const Progress& progress,
                   OverClusterResult& out) {
    cluster_and_layout(g.graph, g.init, options, progress, 0.55, 0.75, out);
    if (options.keep_graph)
        out.kept = keep_graph(std::move(g.graph), std::move(g.init), out.clusters, options.seed,
                              options.n_epochs);
}

/// Standardized, then reduced to its principal components; the scaled matrix is freed on return.
PcaResult scaled_pca(SparseRows selected, const OverClusterOptions& options,
                     const Progress& progress) {
    report(progress, "scale", 0.05);
    ScaleOptions so;
    so.max_value = options.max_value;
    const ScaledMatrix scaled = scale_sparse(std::move(selected), so);
    report(progress, "pca", 0.1);
    PcaOptions po;
    po.n_components = options.n_pcs;
    po.seed = options.seed;
    po.n_threads = options.n_threads;
    return pca_sparse(scaled, po);
}

}  // namespace

OverClusterResult over_cluster(SparseRows selected, const OverClusterOptions& options,
                               const Progress& progress) {
    if (selected.n_rows < 3) throw std::invalid_argument("over-clustering needs at least 3 cells");
    if (selected.n_cols < 2)
        throw std::invalid_argument("over-clustering needs at least 2 variable genes");
    // Each step's input is freed once the step is done (the components once the graph exists):
    // a wasm heap never shrinks, so what is alive at once sets the tab's peak memory.
    GraphAndInit g = [&] {
        const PcaResult pca = scaled_pca(std::move(selected), options, progress);
        return neighbour_graph(PointsView{pca.scores.data(), pca.n_rows, pca.n_components}, options,
                               progress);
    }();
    OverClusterResult out;
    cluster_graph(std::move(g), options, progress, out);
    return out;
}

OverClusterResult over_cluster_points(const float* pcs, std::size_t n, std::size_t dims,
                                      const OverClusterOptions& options, const Progress& progress) {
    if (n < 3) throw std::invalid_argument("over-clustering needs at least 3 cells");
    if (dims < 1) throw std::invalid_argument("the principal components have no columns");
    for (std::size_t i = 0; i < n * dims; ++i) {
        if (!std::isfinite(pcs[i]))
            throw std::invalid_argument("the principal components contain NaN or infinite values");
    }
    const std::size_t use = std::min(dims, options.n_pcs);
    std::vector<float> kept;
    const float* data = pcs;
    if (use < dims) {  // keep the first n_pcs columns
        kept.resize(n * use);
        for (std::size_t i = 0; i < n; ++i)
            std::copy(pcs + i * dims, pcs + i * dims + use,
                      kept.begin() + static_cast<std::ptrdiff_t>(i * use));
        data = kept.data();
    }
    GraphAndInit g = neighbour_graph(PointsView{data, n, use}, options, progress);
    // The copied components are not needed by Leiden or the layout.
    std::vector<float>().swap(kept);
    OverClusterResult out;
    cluster_graph(std::move(g), options, progress, out);
    return out;
}

OverClusterResult over_cluster_graph(const WeightedGraph& graph, const std::vector<float>& init,
                                     const OverClusterOptions& options, const Progress& progress) {
    if (graph.n < 1) throw std::invalid_argument("the neighbour graph has no cells");
    OverClusterResult out;
    cluster_and_layout(graph, init, options, progress, 0.0, 0.5, out);
    if (options.keep_graph)
        out.kept = keep_graph(graph, init, out.clusters, options.seed, options.n_epochs);
    return out;
}

}  // namespace ct::cluster
