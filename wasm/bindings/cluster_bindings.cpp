// Embind: majority voting and the automatic over-clustering (streamed expression, given PCs or
// the file's neighbour graph), with the kept graph for a later layout. Marshalling only.
#include <emscripten/bind.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bindings/marshal.hpp"
#include "cluster/fuzzy_graph.hpp"
#include "cluster/gene_stats.hpp"
#include "cluster/kept_layout.hpp"
#include "cluster/over_cluster.hpp"
#include "voting/majority_vote.hpp"

using emscripten::val;
using namespace ct::bindings;

namespace {

val majority_vote(const val& predicted, const val& clusters, double min_prop) {
    return js_errors([&] {
        const auto r =
            ct::voting::majority_vote(strings_from(predicted), strings_from(clusters), {min_prop});
        val out = val::object();
        out.set("majority_voting", strings_to(r.majority_voting));
        out.set("clusters", strings_to(r.clusters));
        out.set("winner", strings_to(r.winner));
        return out;
    });
}

ct::cluster::OverClusterOptions cluster_options(const val& o) {
    ct::cluster::OverClusterOptions c;
    if (o.hasOwnProperty("seed")) c.seed = static_cast<std::uint64_t>(o["seed"].as<double>());
    if (o.hasOwnProperty("n_threads"))
        c.n_threads = std::max<std::size_t>(1, o["n_threads"].as<std::size_t>());
    if (o.hasOwnProperty("layout")) c.layout = o["layout"].as<bool>();
    if (o.hasOwnProperty("resolution")) c.resolution = o["resolution"].as<double>();
    if (o.hasOwnProperty("keep_graph")) c.keep_graph = o["keep_graph"].as<bool>();
    return c;
}

ct::cluster::Progress progress_of(const val& fn) {
    if (fn.isUndefined() || fn.isNull()) return {};
    return [fn](const std::string& step, double fraction) { fn(step, fraction); };
}

/// An over-clustering's kept graph (keep_graph), owned by JS until delete(): its layout later.
class KeptGraph {
  public:
    explicit KeptGraph(std::shared_ptr<const ct::cluster::KeptGraph> g) : g_(std::move(g)) {}
    std::size_t n_cells() const { return g_->graph.n; }
    /// Row-major n x 2 Float32Array, the layout the over-clustering would have computed.
    val layout(std::size_t n_threads) const {
        return js_errors([&] {
            const auto l = ct::cluster::layout_kept_graph(*g_, n_threads);
            val out = val::global("Float32Array").new_(l.size());
            out.call<void>("set", val(emscripten::typed_memory_view(l.size(), l.data())));
            return out;
        });
    }

  private:
    std::shared_ptr<const ct::cluster::KeptGraph> g_;
};

val result_to_js(const ct::cluster::OverClusterResult& r) {
    val out = val::object();
    val clusters = val::global("Int32Array").new_(r.clusters.size());
    clusters.call<void>("set",
                        val(emscripten::typed_memory_view(r.clusters.size(), r.clusters.data())));
    out.set("clusters", clusters);
    out.set("n_clusters", static_cast<double>(r.n_clusters));
    out.set("resolution", r.resolution);
    if (!r.layout.empty()) {
        val layout = val::global("Float32Array").new_(r.layout.size());
        layout.call<void>("set",
                          val(emscripten::typed_memory_view(r.layout.size(), r.layout.data())));
        out.set("layout", layout);
    }
    if (r.kept) out.set("graph", val(KeptGraph(r.kept)));
    return out;
}

/// CellTypist's automatic over-clustering over two streamed passes of the expression matrix:
/// add_stats() every chunk, select_genes(), add_rows() every chunk again, run().
class OverClusterer {
  public:
    explicit OverClusterer(std::size_t n_genes) : stats_(n_genes) {}
    void add_stats(std::uintptr_t data, std::uintptr_t indices, std::uintptr_t indptr,
                   std::size_t n_rows) {
        return js_errors([&] {
            const auto* ip = ptr<const std::int32_t>(indptr);
            indptr64_.assign(ip, ip + n_rows + 1);
            stats_.add(ptr<const float>(data), ptr<const std::int32_t>(indices), indptr64_.data(),
                       n_rows);
        });
    }
    /// Picks the genes (filter + highly variable); returns how many.
    std::size_t select_genes(const val& options) {
        const auto genes = ct::cluster::select_genes(stats_, cluster_options(options));
        builder_ = std::make_unique<ct::cluster::SubsetBuilder>(stats_.n_genes(), genes);
        return genes.size();
    }
    /// Uses the given genes (e.g. var['highly_variable']) instead of select_genes().
    void use_genes(const val& genes) {
        return js_errors([&] {
            builder_ = std::make_unique<ct::cluster::SubsetBuilder>(
                stats_.n_genes(), emscripten::vecFromJSArray<std::int32_t>(genes));
        });
    }
    void add_rows(std::uintptr_t data, std::uintptr_t indices, std::uintptr_t indptr,
                  std::size_t n_rows) {
        return js_errors([&] {
            if (!builder_) throw std::logic_error("select_genes() must come before add_rows()");
            const auto* ip = ptr<const std::int32_t>(indptr);
            indptr64_.assign(ip, ip + n_rows + 1);
            builder_->add(ptr<const float>(data), ptr<const std::int32_t>(indices),
                          indptr64_.data(), n_rows);
        });
    }
    val run(const val& options, const val& progress) {
        return js_errors([&] {
            if (!builder_) throw std::logic_error("select_genes() must come before run()");
            auto m = builder_->take();
            builder_.reset();
            return result_to_js(ct::cluster::over_cluster(std::move(m), cluster_options(options),
                                                          progress_of(progress)));
        });
    }

  private:
    ct::cluster::GeneStats stats_;
    std::unique_ptr<ct::cluster::SubsetBuilder> builder_;
    std::vector<std::int64_t> indptr64_;
};

/// Over-clustering on given principal components (n x dims float32 in the heap).
val cluster_points(std::uintptr_t pcs, std::size_t n, std::size_t dims, const val& options,
                   const val& progress) {
    return js_errors([&] {
        return result_to_js(ct::cluster::over_cluster_points(
            ptr<const float>(pcs), n, dims, cluster_options(options), progress_of(progress)));
    });
}

/// Over-clustering on an existing neighbour graph (CSR in the heap: int32 indptr/indices,
/// float64 weights); init (n x 2 float32, or 0) starts the layout.
val cluster_graph(std::size_t n, std::uintptr_t indptr, std::uintptr_t indices,
                  std::uintptr_t weights, std::uintptr_t init, const val& options,
                  const val& progress) {
    return js_errors([&] {
        const auto* ip = ptr<const std::int32_t>(indptr);
        const std::vector<std::int64_t> p64(ip, ip + n + 1);
        const auto graph = ct::cluster::graph_from_csr(
            n, p64.data(), ptr<const std::int32_t>(indices), ptr<const double>(weights));
        std::vector<float> start;
        if (init) start.assign(ptr<const float>(init), ptr<const float>(init) + n * 2);
        return result_to_js(ct::cluster::over_cluster_graph(graph, start, cluster_options(options),
                                                            progress_of(progress)));
    });
}

}  // namespace

EMSCRIPTEN_BINDINGS(ct_cluster) {
    emscripten::function("majority_vote", &majority_vote);
    emscripten::class_<OverClusterer>("OverClusterer")
        .constructor<std::size_t>()
        .function("add_stats", &OverClusterer::add_stats)
        .function("select_genes", &OverClusterer::select_genes)
        .function("use_genes", &OverClusterer::use_genes)
        .function("add_rows", &OverClusterer::add_rows)
        .function("run", &OverClusterer::run);
    emscripten::class_<KeptGraph>("KeptGraph")
        .function("n_cells", &KeptGraph::n_cells)
        .function("layout", &KeptGraph::layout);
    emscripten::function("cluster_points", &cluster_points);
    emscripten::function("cluster_graph", &cluster_graph);
}
