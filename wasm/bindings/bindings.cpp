// Embind bindings: the JS face of the core. No logic here beyond marshalling; every C++
// exception becomes a JS Error carrying the core's user-readable message.
//
// Memory: big arrays cross the boundary as pointers into the wasm heap that the JS side
// allocated with _malloc and frees itself (see web/engine/wasm/heap.ts).

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cluster/fuzzy_graph.hpp"
#include "cluster/gene_stats.hpp"
#include "cluster/kept_layout.hpp"
#include "cluster/over_cluster.hpp"
#include "export/csv_rows.hpp"
#include "export/py_float.hpp"
#include "model/convert.hpp"
#include "model/markers.hpp"
#include "model/pickle_reader.hpp"
#include "model/subset.hpp"
#include "predict/contributions.hpp"
#include "predict/labels.hpp"
#include "predict/make_unique.hpp"
#include "predict/normalize.hpp"
#include "predict/predictor.hpp"
#include "parallel/background.hpp"
#include "predict/finite.hpp"
#include "predict/score_chunk.hpp"
#include "predict/score_parallel.hpp"
#include "train/train.hpp"
#include "voting/majority_vote.hpp"

using emscripten::val;

namespace {

[[noreturn]] void throw_js(const std::exception& e) {
    val::global("Error").new_(std::string(e.what())).throw_();
    __builtin_unreachable();
}

template <typename T>
T* ptr(std::uintptr_t p) {
    return reinterpret_cast<T*>(p);
}

// String arrays cross the boundary in one piece, joined on a separator that no name holds:
// element by element costs ~5 us a string (0.1 s for a 20k-gene list each way). Names that hold
// the separator themselves take the element-by-element path.
constexpr char kSeparator = '\x1f';  // ASCII unit separator

/// A JS array of strings as a vector.
std::vector<std::string> strings_from(const val& array) {
    const auto n = array["length"].as<std::size_t>();
    if (n == 0) return {};
    // UTF-8 by the engine's TextEncoder and one copy into the heap: Embind's own std::string
    // conversion writes the heap byte by byte from JS (slow with shared, growable memory).
    const val bytes = val::global("TextEncoder").new_().call<val>("encode", array.call<val>("join", std::string(1, kSeparator)));
    std::string joined(bytes["length"].as<std::size_t>(), '\0');
    val(emscripten::typed_memory_view(joined.size(), reinterpret_cast<unsigned char*>(joined.data()))).call<void>("set", bytes);
    std::vector<std::string> out;
    out.reserve(n);
    for (std::size_t start = 0;;) {
        const std::size_t end = joined.find(kSeparator, start);
        out.emplace_back(joined, start, end == std::string::npos ? std::string::npos : end - start);
        if (end == std::string::npos) break;
        start = end + 1;
    }
    if (out.size() == n) return out;
    return emscripten::vecFromJSArray<std::string>(array);  // a name holds the separator
}

/// A vector of strings as a JS array.
val strings_to(const std::vector<std::string>& v) {
    std::size_t bytes = 0;
    bool plain = true;
    for (const std::string& s : v) {
        bytes += s.size() + 1;
        plain = plain && s.find(kSeparator) == std::string::npos;
    }
    if (v.empty() || !plain) {
        val out = val::array();
        for (std::size_t i = 0; i < v.size(); ++i) out.set(i, v[i]);
        return out;
    }
    std::string joined;
    joined.reserve(bytes);
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i > 0) joined += kSeparator;
        joined += v[i];
    }
    // Decoded by the engine's TextDecoder from a copy (it refuses shared memory), not by Embind's
    // byte-by-byte std::string conversion.
    const val copy = val::global("Uint8Array").new_(val(emscripten::typed_memory_view(joined.size(), reinterpret_cast<const unsigned char*>(joined.data()))));
    return val::global("TextDecoder").new_().call<val>("decode", copy).call<val>("split", std::string(1, kSeparator));
}

val f64(const std::vector<double>& v) {
    val out = val::global("Float64Array").new_(v.size());
    out.call<void>("set", val(emscripten::typed_memory_view(v.size(), v.data())));
    return out;
}

/// A loaded model, owned by the JS object (call .delete()).
class Model {
  public:
    Model(std::uintptr_t bytes, std::size_t size) {
        try {
            model_ = ct::model::read_model(ptr<const std::uint8_t>(bytes), size);
        } catch (const std::exception& e) {
            throw_js(e);
        }
    }
    val labels() const { return strings_to(model_.labels); }
    val features() const { return strings_to(model_.features); }
    std::size_t n_features() const { return model_.n_features(); }
    std::string estimator() const {
        return model_.estimator == ct::model::Estimator::SGDClassifier ? "SGDClassifier"
                                                                       : "LogisticRegression";
    }
    val description() const {
        val d = val::object();
        d.set("date", model_.description.date);
        d.set("details", model_.description.details);
        d.set("url", model_.description.url);
        d.set("source", model_.description.source);
        d.set("version", model_.description.version);
        d.set("number_celltypes", static_cast<double>(model_.description.number_celltypes));
        return d;
    }
    val top_markers(const std::string& cell_type, std::size_t top_n, bool only_positive) const {
        try {
            return strings_to(ct::model::top_markers(model_, cell_type, {top_n, only_positive}));
        } catch (const std::exception& e) {
            throw_js(e);
        }
    }
    const ct::model::Model& get() const { return model_; }
    // Arrays for the pickle writer (copies as Float64Array).
    val coef() const { return f64(model_.coef); }
    val intercept() const { return f64(model_.intercept); }
    val scaler_mean() const { return f64(model_.scaler_mean); }
    val scaler_var() const { return f64(model_.scaler_var); }
    val scaler_scale() const { return f64(model_.scaler_scale); }
    double n_samples_seen() const { return static_cast<double>(model_.scaler_n_samples_seen); }
    bool with_mean() const { return model_.with_mean; }
    std::size_t coef_rows() const { return model_.coef_rows(); }
    /// The model restricted to some cell types (a new model, owned by the caller).
    Model subset(const val& keep) const {
        try {
            return Model(ct::model::subset_model(model_, strings_from(keep)));
        } catch (const std::exception& e) {
            throw_js(e);
        }
    }
    explicit Model(ct::model::Model m) : model_(std::move(m)) {}
    /// CellTypist's Model.convert() by a two-column gene map (CSV bytes in the heap); returns
    /// {model, convert_from, n_features_before}. The new model is owned by the caller.
    val convert(std::uintptr_t bytes, std::size_t size, bool unique_only) const {
        try {
            const auto map = ct::model::parse_gene_map(ptr<const char>(bytes), size);
            ct::model::ConvertOptions o;
            o.unique_only = unique_only;
            auto r = ct::model::convert_model(model_, map, o);
            val out = val::object();
            out.set("convert_from", r.convert_from);
            out.set("n_features_before", static_cast<double>(r.n_features_before));
            out.set("model", val(Model(std::move(r.model))));
            return out;
        } catch (const std::exception& e) {
            throw_js(e);
        }
    }

  private:
    ct::model::Model model_;
};

/// A model matched to a query's genes; scores CSR chunks that live in the wasm heap.
class Predictor {
  public:
    Predictor(const Model& model, const val& genes) {
        try {
            p_ = std::make_unique<ct::predict::Predictor>(model.get(), strings_from(genes));
        } catch (const std::exception& e) {
            throw_js(e);
        }
    }
    std::size_t n_labels() const { return p_->n_labels(); }
    std::size_t n_features_used() const { return p_->n_features_used(); }
    /// indptr is int32 relative to the chunk (JS-friendly); converted to int64 here.
    void score(std::uintptr_t data, std::uintptr_t indices, std::uintptr_t indptr,
               std::size_t n_rows, std::uintptr_t decision, std::uintptr_t probability,
               std::size_t n_threads) {
        try {
            const auto* ip = ptr<const std::int32_t>(indptr);
            indptr64_.assign(ip, ip + n_rows + 1);
            ct::predict::score_parallel(
                *p_, ptr<const float>(data), ptr<const std::int32_t>(indices), indptr64_.data(),
                n_rows, decision ? ptr<double>(decision) : nullptr,
                probability ? ptr<double>(probability) : nullptr, {n_threads});
        } catch (const std::exception& e) {
            throw_js(e);
        }
    }

    /// Starts ct::predict::score_chunk on a chunk in the heap (int32 chunk-relative indptr), in
    /// the background where threads exist; finish_chunk() waits for it. One chunk at a time:
    /// the caller keeps the chunk's buffers untouched until finish_chunk() returns.
    void start_chunk(std::uintptr_t data, std::uintptr_t indices, std::uintptr_t indptr,
                     std::size_t n_rows, bool normalize, std::uintptr_t decision,
                     std::uintptr_t probability, std::uintptr_t ids, std::uintptr_t id_offsets,
                     std::uintptr_t decision_csv, std::uintptr_t probability_csv,
                     std::size_t n_threads) {
        set_job(data, indices, indptr, n_rows, normalize, decision, probability, ids, id_offsets,
                decision_csv, probability_csv);
        // One block per thread, every thread started here (see parallel/background.hpp).
        job_bounds_ = ct::predict::chunk_blocks(n_rows, {n_threads});
        job_blocks_.assign(job_bounds_.size() - 1, {});
        job_.start(job_blocks_.size(), [this](std::size_t b) {
            job_blocks_[b] = ct::predict::score_block(*p_, job_in_, job_out_, job_bounds_[b], job_bounds_[b + 1]);
        });
    }

    /// start_chunk's work done now, on this thread and n_threads - 1 helpers (nothing to overlap
    /// when the input is a single chunk: saves starting one more thread). finish_chunk() reports.
    void run_chunk(std::uintptr_t data, std::uintptr_t indices, std::uintptr_t indptr,
                   std::size_t n_rows, bool normalize, std::uintptr_t decision,
                   std::uintptr_t probability, std::uintptr_t ids, std::uintptr_t id_offsets,
                   std::uintptr_t decision_csv, std::uintptr_t probability_csv,
                   std::size_t n_threads) {
        set_job(data, indices, indptr, n_rows, normalize, decision, probability, ids, id_offsets,
                decision_csv, probability_csv);
        job_bounds_.clear();
        job_status_ = ct::predict::score_chunk(*p_, job_in_, job_out_, {n_threads});
    }

    /// Whether the chunk's work has finished (finish_chunk() then returns at once): JS polls
    /// this instead of blocking its thread, which would take a core from the work it waits for.
    bool chunk_done() const { return job_.done(); }

    /// Heap address of the chunk's count of finished blocks (an int32 that changes, with a wake-up,
    /// as blocks finish): JS awaits Atomics.waitAsync on it instead of polling on a timer.
    std::uintptr_t chunk_progress_address() const {
        return reinterpret_cast<std::uintptr_t>(job_.finished_address());
    }

    /// Waits for the chunk; {error: '' | 'non_finite' | 'bad_counts' | 'failed', row, message,
    /// decision_bytes, probability_bytes}.
    val finish_chunk() {
        job_.wait();
        using Error = ct::predict::ChunkStatus::Error;
        if (!job_bounds_.empty()) {  // merged once: merging moves the tables' bytes
            job_status_ = ct::predict::merge_blocks(job_in_, job_out_, p_->n_labels(), job_bounds_, job_blocks_);
            job_bounds_.clear();
        }
        const auto& s = job_status_;
        val out = val::object();
        out.set("error", std::string(s.error == Error::none         ? ""
                                     : s.error == Error::non_finite ? "non_finite"
                                     : s.error == Error::bad_counts ? "bad_counts"
                                                                    : "failed"));
        out.set("row", static_cast<double>(s.row));
        out.set("message", s.message);
        out.set("decision_bytes", static_cast<double>(s.decision_bytes));
        out.set("probability_bytes", static_cast<double>(s.probability_bytes));
        return out;
    }

  private:
    /// Waits for the previous chunk, then records this one's inputs and outputs (heap pointers;
    /// the row pointers are copied, widened to int64).
    void set_job(std::uintptr_t data, std::uintptr_t indices, std::uintptr_t indptr,
                 std::size_t n_rows, bool normalize, std::uintptr_t decision,
                 std::uintptr_t probability, std::uintptr_t ids, std::uintptr_t id_offsets,
                 std::uintptr_t decision_csv, std::uintptr_t probability_csv) {
        job_.wait();
        const auto* ip = ptr<const std::int32_t>(indptr);
        job_indptr_.assign(ip, ip + n_rows + 1);
        job_in_ = {ptr<float>(data), ptr<const std::int32_t>(indices), job_indptr_.data(), n_rows, normalize};
        job_out_ = {ptr<double>(decision), ptr<double>(probability), ptr<const char>(ids),
                    ptr<const std::uint32_t>(id_offsets), ptr<char>(decision_csv), ptr<char>(probability_csv)};
    }

    std::unique_ptr<ct::predict::Predictor> p_;
    std::vector<std::int64_t> indptr64_;
    // The chunk being scored in the background (start_chunk .. finish_chunk).
    std::vector<std::int64_t> job_indptr_;
    ct::predict::ChunkInput job_in_;
    ct::predict::ChunkOutput job_out_;
    std::vector<std::size_t> job_bounds_;
    std::vector<ct::predict::ChunkStatus> job_blocks_;
    ct::predict::ChunkStatus job_status_;
    ct::parallel::Background job_;  // last member: destroyed (joined) before what it uses
};

/// "Why this label": a model matched to the query's genes once, then per-cell top
/// contributions (coef x scaled value) to a label's decision score.
class Explainer {
  public:
    Explainer(const Model& model, const val& genes) {
        try {
            e_ = std::make_unique<ct::predict::Explainer>(model.get(), strings_from(genes));
        } catch (const std::exception& e) {
            throw_js(e);
        }
    }
    /// One cell's sparse row (heap pointers, nnz entries, indices into the query genes).
    /// Returns [{feature, value, scaled, coef, contribution}] best first.
    val top(std::uintptr_t data, std::uintptr_t indices, std::size_t nnz, std::size_t label,
            std::size_t top_n, bool positive_first) const {
        try {
            const auto c = e_->top(ptr<const float>(data), ptr<const std::int32_t>(indices), nnz,
                                   label, {top_n, positive_first});
            val out = val::array();
            for (std::size_t k = 0; k < c.size(); ++k) {
                val o = val::object();
                o.set("feature", static_cast<double>(c[k].feature));
                o.set("value", c[k].value);
                o.set("scaled", c[k].scaled);
                o.set("coef", c[k].coef);
                o.set("contribution", c[k].contribution);
                out.set(k, o);
            }
            return out;
        } catch (const std::exception& e) {
            throw_js(e);
        }
    }
    double decision(std::uintptr_t data, std::uintptr_t indices, std::size_t nnz,
                    std::size_t label) const {
        try {
            return e_->decision(ptr<const float>(data), ptr<const std::int32_t>(indices), nnz,
                                label);
        } catch (const std::exception& e) {
            throw_js(e);
        }
    }

  private:
    std::unique_ptr<ct::predict::Explainer> e_;
};

val best_match(std::uintptr_t decision, std::size_t n_rows, std::size_t n_labels) {
    const auto idx = ct::predict::best_match(ptr<const double>(decision), n_rows, n_labels);
    val out = val::global("Int32Array").new_(idx.size());
    out.call<void>("set", val(emscripten::typed_memory_view(idx.size(), idx.data())));
    return out;
}

val prob_match(std::uintptr_t probability, std::size_t n_rows, const val& labels, double p_thres) {
    return strings_to(ct::predict::prob_match(ptr<const double>(probability), n_rows,
                                              strings_from(labels), p_thres));
}

val conf_score_of(std::uintptr_t probability, std::size_t n_rows, const val& labels,
                  const val& cell_labels) {
    try {
        const auto c = ct::predict::conf_score_of(ptr<const double>(probability), n_rows,
                                                  strings_from(labels), strings_from(cell_labels));
        val out = val::global("Float64Array").new_(c.size());
        out.call<void>("set", val(emscripten::typed_memory_view(c.size(), c.data())));
        return out;
    } catch (const std::exception& e) {
        throw_js(e);
    }
}

val make_unique(const val& names) {
    return strings_to(ct::predict::make_unique(strings_from(names)));
}

val majority_vote(const val& predicted, const val& clusters, double min_prop) {
    try {
        const auto r =
            ct::voting::majority_vote(strings_from(predicted), strings_from(clusters), {min_prop});
        val out = val::object();
        out.set("majority_voting", strings_to(r.majority_voting));
        out.set("clusters", strings_to(r.clusters));
        out.set("winner", strings_to(r.winner));
        return out;
    } catch (const std::exception& e) {
        throw_js(e);
    }
}

/// In-place normalize_total(1e4) + log1p of a CSR chunk in the heap (int32 chunk-relative indptr).
void normalize_log1p(std::uintptr_t data, std::uintptr_t indptr, std::size_t n_rows) {
    try {
        const auto* ip = ptr<const std::int32_t>(indptr);
        std::vector<std::int64_t> p64(ip, ip + n_rows + 1);
        ct::predict::normalize_log1p(ptr<float>(data), p64.data(), n_rows);
    } catch (const std::exception& e) {
        throw_js(e);
    }
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
        try {
            const auto l = ct::cluster::layout_kept_graph(*g_, n_threads);
            val out = val::global("Float32Array").new_(l.size());
            out.call<void>("set", val(emscripten::typed_memory_view(l.size(), l.data())));
            return out;
        } catch (const std::exception& e) {
            throw_js(e);
        }
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
        try {
            const auto* ip = ptr<const std::int32_t>(indptr);
            indptr64_.assign(ip, ip + n_rows + 1);
            stats_.add(ptr<const float>(data), ptr<const std::int32_t>(indices), indptr64_.data(),
                       n_rows);
        } catch (const std::exception& e) {
            throw_js(e);
        }
    }
    /// Picks the genes (filter + highly variable); returns how many.
    std::size_t select_genes(const val& options) {
        const auto genes = ct::cluster::select_genes(stats_, cluster_options(options));
        builder_ = std::make_unique<ct::cluster::SubsetBuilder>(stats_.n_genes(), genes);
        return genes.size();
    }
    /// Uses the given genes (e.g. var['highly_variable']) instead of select_genes().
    void use_genes(const val& genes) {
        try {
            builder_ = std::make_unique<ct::cluster::SubsetBuilder>(
                stats_.n_genes(), emscripten::vecFromJSArray<std::int32_t>(genes));
        } catch (const std::exception& e) {
            throw_js(e);
        }
    }
    void add_rows(std::uintptr_t data, std::uintptr_t indices, std::uintptr_t indptr,
                  std::size_t n_rows) {
        try {
            if (!builder_) throw std::logic_error("select_genes() must come before add_rows()");
            const auto* ip = ptr<const std::int32_t>(indptr);
            indptr64_.assign(ip, ip + n_rows + 1);
            builder_->add(ptr<const float>(data), ptr<const std::int32_t>(indices),
                          indptr64_.data(), n_rows);
        } catch (const std::exception& e) {
            throw_js(e);
        }
    }
    val run(const val& options, const val& progress) {
        try {
            if (!builder_) throw std::logic_error("select_genes() must come before run()");
            auto m = builder_->take();
            builder_.reset();
            return result_to_js(ct::cluster::over_cluster(std::move(m), cluster_options(options),
                                                          progress_of(progress)));
        } catch (const std::exception& e) {
            throw_js(e);
        }
    }

  private:
    ct::cluster::GeneStats stats_;
    std::unique_ptr<ct::cluster::SubsetBuilder> builder_;
    std::vector<std::int64_t> indptr64_;
};

/// Over-clustering on given principal components (n x dims float32 in the heap).
val cluster_points(std::uintptr_t pcs, std::size_t n, std::size_t dims, const val& options,
                   const val& progress) {
    try {
        return result_to_js(ct::cluster::over_cluster_points(
            ptr<const float>(pcs), n, dims, cluster_options(options), progress_of(progress)));
    } catch (const std::exception& e) {
        throw_js(e);
    }
}

/// Over-clustering on an existing neighbour graph (CSR in the heap: int32 indptr/indices,
/// float64 weights); init (n x 2 float32, or 0) starts the layout.
val cluster_graph(std::size_t n, std::uintptr_t indptr, std::uintptr_t indices,
                  std::uintptr_t weights, std::uintptr_t init, const val& options,
                  const val& progress) {
    try {
        const auto* ip = ptr<const std::int32_t>(indptr);
        const std::vector<std::int64_t> p64(ip, ip + n + 1);
        const auto graph = ct::cluster::graph_from_csr(
            n, p64.data(), ptr<const std::int32_t>(indices), ptr<const double>(weights));
        std::vector<float> start;
        if (init) start.assign(ptr<const float>(init), ptr<const float>(init) + n * 2);
        return result_to_js(ct::cluster::over_cluster_graph(graph, start, cluster_options(options),
                                                            progress_of(progress)));
    } catch (const std::exception& e) {
        throw_js(e);
    }
}

/// celltypist.train: rows streamed in with add_rows(), then train() returns a new Model.
class Trainer {
  public:
    explicit Trainer(std::size_t n_genes) { x_.n_cols = n_genes; }
    void add_rows(std::uintptr_t data, std::uintptr_t indices, std::uintptr_t indptr,
                  std::size_t n_rows) {
        const auto* d = ptr<const float>(data);
        const auto* ix = ptr<const std::int32_t>(indices);
        const auto* ip = ptr<const std::int32_t>(indptr);
        for (std::size_t r = 0; r < n_rows; ++r) {
            for (std::int32_t p = ip[r] - ip[0]; p < ip[r + 1] - ip[0]; ++p) {
                if (ix[p] < 0 || static_cast<std::size_t>(ix[p]) >= x_.n_cols)
                    throw_js(std::invalid_argument("gene index out of range"));
                if (d[p] == 0.0f) continue;
                x_.data.push_back(d[p]);
                x_.indices.push_back(ix[p]);
            }
            x_.indptr.push_back(static_cast<std::int64_t>(x_.data.size()));
            ++x_.n_rows;
        }
    }
    /// options: {with_mean, C, max_iter, use_sgd, alpha, mini_batch, batch_number, batch_size,
    /// epochs, balance_cell_type, feature_selection, top_genes, seed, n_threads, date, details,
    /// url, source, version}; returns {model, n_features, converged, iterations}.
    val train(const val& genes, const val& labels, const val& o, const val& progress) {
        try {
            ct::train::TrainOptions t;
            auto num = [&](const char* k, double def) {
                return o.hasOwnProperty(k) ? o[k].as<double>() : def;
            };
            auto flag = [&](const char* k, bool def) {
                return o.hasOwnProperty(k) ? o[k].as<bool>() : def;
            };
            auto str = [&](const char* k) {
                return o.hasOwnProperty(k) ? o[k].as<std::string>() : std::string();
            };
            t.with_mean = flag("with_mean", true);
            t.C = num("C", 1.0);
            t.max_iter = static_cast<std::size_t>(num("max_iter", 0));
            t.use_sgd = flag("use_sgd", false);
            t.alpha = num("alpha", 1e-4);
            t.mini_batch = flag("mini_batch", false);
            t.batch_number = static_cast<std::size_t>(num("batch_number", 100));
            t.batch_size = static_cast<std::size_t>(num("batch_size", 1000));
            t.epochs = static_cast<std::size_t>(num("epochs", 10));
            t.balance_cell_type = flag("balance_cell_type", false);
            t.feature_selection = flag("feature_selection", false);
            t.top_genes = static_cast<std::size_t>(num("top_genes", 300));
            t.seed = static_cast<std::uint64_t>(num("seed", 0));
            t.n_threads = std::max<std::size_t>(1, static_cast<std::size_t>(num("n_threads", 1)));
            t.description.date = str("date");
            t.description.details = str("details");
            t.description.url = str("url");
            t.description.source = str("source");
            t.description.version = str("version");
            ct::train::TrainProgress cb;
            if (!progress.isUndefined() && !progress.isNull())
                cb = [progress](const std::string& step) { progress(step); };
            ct::train::TrainReport report;
            auto m = ct::train::train_model(std::move(x_), strings_from(genes),
                                            strings_from(labels), t, cb, &report);
            x_ = ct::cluster::SparseRows{};
            val out = val::object();
            out.set("n_features", static_cast<double>(report.n_features));
            out.set("converged", report.converged);
            out.set("iterations", static_cast<double>(report.max_iterations));
            out.set("model", val(Model(std::move(m))));
            return out;
        } catch (const std::exception& e) {
            throw_js(e);
        }
    }

  private:
    ct::cluster::SparseRows x_;
};

/// Index of the first NaN/Inf among n float32 values in the heap, or n.
double first_non_finite(std::uintptr_t data, double n) {
    return static_cast<double>(ct::predict::first_non_finite(ptr<const float>(data), static_cast<std::size_t>(n)));
}

unsigned hardware_threads() { return std::thread::hardware_concurrency(); }

std::string py_float(double x) {
    char buf[ct::csv::py_float_max_chars];
    return std::string(buf, ct::csv::format_py_float(x, buf));
}

double csv_rows_capacity(double rows, double cols, double id_bytes) {
    return static_cast<double>(ct::csv::csv_rows_capacity(static_cast<std::size_t>(rows), static_cast<std::size_t>(cols),
                                                          static_cast<std::size_t>(id_bytes)));
}

/** Matrix rows as CSV bytes at `out` (room for csv_rows_capacity); returns the byte count. */
double write_csv_rows(std::uintptr_t values, double rows, double cols, std::uintptr_t ids, std::uintptr_t id_offsets,
                      std::uintptr_t out) {
    const ct::csv::CsvRows in{ptr<const double>(values), static_cast<std::size_t>(rows), static_cast<std::size_t>(cols),
                              ptr<const char>(ids), ptr<const std::uint32_t>(id_offsets)};
    return static_cast<double>(ct::csv::write_csv_rows(in, ptr<char>(out)));
}

}  // namespace

EMSCRIPTEN_BINDINGS(celltypist) {
    emscripten::class_<Model>("Model")
        .constructor<std::uintptr_t, std::size_t>()
        .function("labels", &Model::labels)
        .function("features", &Model::features)
        .function("n_features", &Model::n_features)
        .function("estimator", &Model::estimator)
        .function("description", &Model::description)
        .function("top_markers", &Model::top_markers)
        .function("convert", &Model::convert)
        .function("coef", &Model::coef)
        .function("intercept", &Model::intercept)
        .function("scaler_mean", &Model::scaler_mean)
        .function("scaler_var", &Model::scaler_var)
        .function("scaler_scale", &Model::scaler_scale)
        .function("n_samples_seen", &Model::n_samples_seen)
        .function("with_mean", &Model::with_mean)
        .function("coef_rows", &Model::coef_rows)
        .function("subset", &Model::subset);
    emscripten::class_<Trainer>("Trainer")
        .constructor<std::size_t>()
        .function("add_rows", &Trainer::add_rows)
        .function("train", &Trainer::train);
    emscripten::class_<Predictor>("Predictor")
        .constructor<const Model&, const val&>()
        .function("n_labels", &Predictor::n_labels)
        .function("n_features_used", &Predictor::n_features_used)
        .function("score", &Predictor::score)
        .function("start_chunk", &Predictor::start_chunk)
        .function("chunk_progress_address", &Predictor::chunk_progress_address)
        .function("run_chunk", &Predictor::run_chunk)
        .function("chunk_done", &Predictor::chunk_done)
        .function("finish_chunk", &Predictor::finish_chunk);
    emscripten::class_<Explainer>("Explainer")
        .constructor<const Model&, const val&>()
        .function("top", &Explainer::top)
        .function("decision", &Explainer::decision);
    emscripten::function("best_match", &best_match);
    emscripten::function("prob_match", &prob_match);
    emscripten::function("make_unique", &make_unique);
    emscripten::function("conf_score_of", &conf_score_of);
    emscripten::function("majority_vote", &majority_vote);
    emscripten::function("normalize_log1p", &normalize_log1p);
    emscripten::function("hardware_threads", &hardware_threads);
    emscripten::function("first_non_finite", &first_non_finite);
    emscripten::function("py_float", &py_float);
    emscripten::function("csv_rows_capacity", &csv_rows_capacity);
    emscripten::function("write_csv_rows", &write_csv_rows);
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
