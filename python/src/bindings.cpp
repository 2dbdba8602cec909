// pybind11 bindings: the Python face of the same C++ core the WebAssembly build uses
// (wasm/bindings/*_bindings.cpp are the Embind face). No logic here beyond marshalling: numpy
// arrays in and out, strings as lists, core exceptions as Python ValueError/RuntimeError with
// the core's user-readable message. The heavy calls release the GIL, so Dask's threads (and
// any other Python threads) keep running while a chunk is scored or a graph clustered.

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cluster/fuzzy_graph.hpp"
#include "cluster/gene_stats.hpp"
#include "cluster/over_cluster.hpp"
#include "export/csv_rows.hpp"
#include "export/py_float.hpp"
#include "model/convert.hpp"
#include "model/pickle_reader.hpp"
#include "predict/labels.hpp"
#include "predict/make_unique.hpp"
#include "predict/normalize.hpp"
#include "predict/predictor.hpp"
#include "predict/score_chunk.hpp"
#include "voting/majority_vote.hpp"

namespace py = pybind11;

namespace {

// C-contiguous arrays of one dtype; pybind11 converts (copies) other layouts or dtypes.
template <typename T>
using Array = py::array_t<T, py::array::c_style | py::array::forcecast>;

template <typename T>
py::array_t<T> to_numpy(const std::vector<T>& v) {
    py::array_t<T> out(v.size());
    std::copy(v.begin(), v.end(), out.mutable_data());
    return out;
}

template <typename T>
py::array_t<T> matrix(std::size_t rows, std::size_t cols) {
    return py::array_t<T>({rows, cols});
}

/// CSR row pointers as int64 (any integer dtype accepted), checked against the values.
std::vector<std::int64_t> row_pointers(const Array<std::int64_t>& indptr, std::size_t nnz) {
    if (indptr.ndim() != 1 || indptr.size() < 1) throw std::invalid_argument("indptr must be a 1-D array of n_rows + 1 row pointers");
    const auto* p = indptr.data();
    std::vector<std::int64_t> v(p, p + indptr.size());
    if (static_cast<std::size_t>(v.back() - v.front()) > nnz) throw std::invalid_argument("indptr points past the end of data/indices");
    return v;
}

/// The options of an over-clustering run from a dict (absent keys keep the core's defaults,
/// which are CellTypist's/scanpy's).
ct::cluster::OverClusterOptions cluster_options(const py::dict& o) {
    ct::cluster::OverClusterOptions c;
    c.layout = false;
    if (o.contains("seed")) c.seed = o["seed"].cast<std::uint64_t>();
    if (o.contains("n_threads")) c.n_threads = std::max<std::size_t>(1, o["n_threads"].cast<std::size_t>());
    if (o.contains("layout")) c.layout = o["layout"].cast<bool>();
    if (o.contains("resolution")) c.resolution = o["resolution"].cast<double>();
    if (o.contains("n_epochs")) c.n_epochs = o["n_epochs"].cast<std::size_t>();
    return c;
}

ct::cluster::Progress progress_of(const py::object& fn) {
    if (fn.is_none()) return {};
    return [fn](const std::string& step, double fraction) {
        py::gil_scoped_acquire gil;
        fn(step, fraction);
    };
}

py::dict cluster_result(const ct::cluster::OverClusterResult& r) {
    py::dict out;
    out["clusters"] = to_numpy(r.clusters);
    out["n_clusters"] = r.n_clusters;
    out["resolution"] = r.resolution;
    if (!r.layout.empty()) {
        auto layout = matrix<float>(r.layout.size() / 2, 2);
        std::copy(r.layout.begin(), r.layout.end(), layout.mutable_data());
        out["layout"] = layout;
    }
    return out;
}

/// A loaded CellTypist model (ct::model::Model), read by the safe pickle reader.
class Model {
  public:
    explicit Model(const py::bytes& data) {
        const std::string bytes = data;  // one copy; the reader keeps nothing of it
        py::gil_scoped_release release;
        model_ = ct::model::read_model(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    }
    explicit Model(ct::model::Model m) : model_(std::move(m)) {}
    const ct::model::Model& get() const { return model_; }
    std::vector<std::string> labels() const { return model_.labels; }
    std::vector<std::string> features() const { return model_.features; }
    std::size_t n_features() const { return model_.n_features(); }
    std::string estimator() const {
        return model_.estimator == ct::model::Estimator::SGDClassifier ? "SGDClassifier" : "LogisticRegression";
    }
    py::dict description() const {
        py::dict d;
        d["date"] = model_.description.date;
        d["details"] = model_.description.details;
        d["url"] = model_.description.url;
        d["source"] = model_.description.source;
        d["version"] = model_.description.version;
        d["number_celltypes"] = model_.description.number_celltypes;
        return d;
    }
    py::array_t<double> coef() const {
        auto out = matrix<double>(model_.coef_rows(), model_.n_features());
        std::copy(model_.coef.begin(), model_.coef.end(), out.mutable_data());
        return out;
    }
    py::array_t<double> intercept() const { return to_numpy(model_.intercept); }
    py::array_t<double> scaler_mean() const { return to_numpy(model_.scaler_mean); }
    py::array_t<double> scaler_scale() const { return to_numpy(model_.scaler_scale); }
    /// CellTypist's Model.convert() by a two-column gene map (CSV text): {model, convert_from,
    /// n_features_before}.
    py::dict convert(const std::string& gene_map_csv, bool unique_only) const {
        const auto map = ct::model::parse_gene_map(gene_map_csv.data(), gene_map_csv.size());
        ct::model::ConvertOptions o;
        o.unique_only = unique_only;
        auto r = ct::model::convert_model(model_, map, o);
        py::dict out;
        out["convert_from"] = r.convert_from;
        out["n_features_before"] = r.n_features_before;
        out["model"] = Model(std::move(r.model));
        return out;
    }

  private:
    ct::model::Model model_;
};

/// A model matched to a query's genes (ct::predict::Predictor); scores CSR chunks.
class Predictor {
  public:
    Predictor(const Model& model, const std::vector<std::string>& genes)
        : p_(std::make_unique<ct::predict::Predictor>(model.get(), genes)) {}
    std::size_t n_labels() const { return p_->n_labels(); }
    std::size_t n_features_used() const { return p_->n_features_used(); }

    /// ct::predict::score_chunk on one CSR chunk. `data` is normalized in place when `normalize`
    /// (raw counts). With `ids` (the rows' quoted ids, concatenated, and their n_rows + 1 byte
    /// offsets) the two matrix tables' CSV rows are formatted too. Returns {decision,
    /// probability, error ('' | 'non_finite' | 'bad_counts' | 'failed'), row, message,
    /// decision_csv, probability_csv}.
    py::dict score(py::array_t<float, py::array::c_style> data, const Array<std::int32_t>& indices,
                   const Array<std::int64_t>& indptr, bool normalize, std::size_t n_threads,
                   const py::object& ids, const py::object& id_offsets) {
        if (!data.writeable()) throw std::invalid_argument("data must be a writeable float32 array");
        if (indices.size() != data.size()) throw std::invalid_argument("data and indices differ in length");
        const auto ptr64 = row_pointers(indptr, static_cast<std::size_t>(data.size()));
        const std::size_t n_rows = ptr64.size() - 1, L = p_->n_labels();
        auto decision = matrix<double>(n_rows, L);
        auto probability = matrix<double>(n_rows, L);
        std::string id_bytes;
        std::vector<std::uint32_t> offsets;
        std::string dec_csv, prob_csv;
        const bool tables = !ids.is_none();
        if (tables) {
            id_bytes = ids.cast<std::string>();
            offsets = id_offsets.cast<std::vector<std::uint32_t>>();
            if (offsets.size() != n_rows + 1 || offsets.back() > id_bytes.size())
                throw std::invalid_argument("id_offsets must hold n_rows + 1 offsets into ids");
            const std::size_t cap = ct::csv::csv_rows_capacity(n_rows, L, id_bytes.size());
            dec_csv.resize(cap);
            prob_csv.resize(cap);
        }
        ct::predict::ChunkInput in{data.mutable_data(), indices.data(), ptr64.data(), n_rows, normalize};
        ct::predict::ChunkOutput out{decision.mutable_data(), probability.mutable_data(),
                                     tables ? id_bytes.data() : nullptr, tables ? offsets.data() : nullptr,
                                     tables ? dec_csv.data() : nullptr, tables ? prob_csv.data() : nullptr};
        ct::predict::ChunkStatus s;
        {
            py::gil_scoped_release release;
            s = ct::predict::score_chunk(*p_, in, out, {std::max<std::size_t>(1, n_threads)});
        }
        using Error = ct::predict::ChunkStatus::Error;
        py::dict r;
        r["decision"] = decision;
        r["probability"] = probability;
        r["error"] = s.error == Error::none ? "" : s.error == Error::non_finite ? "non_finite" : s.error == Error::bad_counts ? "bad_counts" : "failed";
        r["row"] = s.row;
        r["message"] = s.message;
        if (tables) {
            r["decision_csv"] = py::bytes(dec_csv.data(), s.decision_bytes);
            r["probability_csv"] = py::bytes(prob_csv.data(), s.probability_bytes);
        }
        return r;
    }

  private:
    std::unique_ptr<ct::predict::Predictor> p_;
};

/// CellTypist's automatic over-clustering over two streamed passes (as the Embind class).
class OverClusterer {
  public:
    explicit OverClusterer(std::size_t n_genes) : stats_(n_genes) {}
    void add_stats(const Array<float>& data, const Array<std::int32_t>& indices, const Array<std::int64_t>& indptr) {
        const auto p = row_pointers(indptr, static_cast<std::size_t>(data.size()));
        py::gil_scoped_release release;
        stats_.add(data.data(), indices.data(), p.data(), p.size() - 1);
    }
    std::size_t select_genes(const py::dict& options) {
        const auto genes = ct::cluster::select_genes(stats_, cluster_options(options));
        builder_ = std::make_unique<ct::cluster::SubsetBuilder>(stats_.n_genes(), genes);
        return genes.size();
    }
    void use_genes(const std::vector<std::int32_t>& genes) {
        builder_ = std::make_unique<ct::cluster::SubsetBuilder>(stats_.n_genes(), genes);
    }
    void add_rows(const Array<float>& data, const Array<std::int32_t>& indices, const Array<std::int64_t>& indptr) {
        if (!builder_) throw std::logic_error("select_genes() must come before add_rows()");
        const auto p = row_pointers(indptr, static_cast<std::size_t>(data.size()));
        py::gil_scoped_release release;
        builder_->add(data.data(), indices.data(), p.data(), p.size() - 1);
    }
    py::dict run(const py::dict& options, const py::object& progress) {
        if (!builder_) throw std::logic_error("select_genes() must come before run()");
        auto m = builder_->take();
        builder_.reset();
        const auto o = cluster_options(options);
        const auto cb = progress_of(progress);
        ct::cluster::OverClusterResult r;
        {
            py::gil_scoped_release release;
            r = ct::cluster::over_cluster(std::move(m), o, cb);
        }
        return cluster_result(r);
    }

  private:
    ct::cluster::GeneStats stats_;
    std::unique_ptr<ct::cluster::SubsetBuilder> builder_;
};

py::dict cluster_points(const Array<float>& pcs, const py::dict& options, const py::object& progress) {
    if (pcs.ndim() != 2) throw std::invalid_argument("the principal components must be a 2-D array (cells x components)");
    const auto o = cluster_options(options);
    const auto cb = progress_of(progress);
    ct::cluster::OverClusterResult r;
    {
        py::gil_scoped_release release;
        r = ct::cluster::over_cluster_points(pcs.data(), pcs.shape(0), pcs.shape(1), o, cb);
    }
    return cluster_result(r);
}

py::dict cluster_graph(std::size_t n, const Array<std::int64_t>& indptr, const Array<std::int32_t>& indices,
                       const Array<double>& weights, const py::object& init, const py::dict& options,
                       const py::object& progress) {
    if (static_cast<std::size_t>(indptr.size()) != n + 1) throw std::invalid_argument("the graph's indptr must have n + 1 entries");
    std::vector<float> start;
    if (!init.is_none()) {
        const auto a = init.cast<Array<float>>();
        start.assign(a.data(), a.data() + a.size());
    }
    const auto o = cluster_options(options);
    const auto cb = progress_of(progress);
    ct::cluster::OverClusterResult r;
    {
        py::gil_scoped_release release;
        const auto g = ct::cluster::graph_from_csr(n, indptr.data(), indices.data(), weights.data());
        r = ct::cluster::over_cluster_graph(g, start, o, cb);
    }
    return cluster_result(r);
}

void check_matrix(const py::array& a, std::size_t cols, const char* what) {
    if (a.ndim() != 2 || static_cast<std::size_t>(a.shape(1)) != cols)
        throw std::invalid_argument(std::string(what) + " must be a 2-D array with one column per label");
}

}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "celltypist-wasm's C++ core (the same sources as the WebAssembly build)";
    // The core's user-readable messages become ValueError (bad input) or RuntimeError.
    py::register_exception<ct::model::ModelError>(m, "ModelError", PyExc_ValueError);

    py::class_<Model>(m, "Model")
        .def(py::init<const py::bytes&>(), py::arg("data"))
        .def("labels", &Model::labels)
        .def("features", &Model::features)
        .def("n_features", &Model::n_features)
        .def("estimator", &Model::estimator)
        .def("description", &Model::description)
        .def("coef", &Model::coef)
        .def("intercept", &Model::intercept)
        .def("scaler_mean", &Model::scaler_mean)
        .def("scaler_scale", &Model::scaler_scale)
        .def("convert", &Model::convert, py::arg("gene_map_csv"), py::arg("unique_only") = true);

    py::class_<Predictor>(m, "Predictor")
        .def(py::init<const Model&, const std::vector<std::string>&>(), py::arg("model"), py::arg("genes"))
        .def("n_labels", &Predictor::n_labels)
        .def("n_features_used", &Predictor::n_features_used)
        .def("score", &Predictor::score, py::arg("data"), py::arg("indices"), py::arg("indptr"),
             py::arg("normalize") = false, py::arg("n_threads") = 1, py::arg("ids") = py::none(),
             py::arg("id_offsets") = py::none());

    m.def("best_match", [](const Array<double>& decision) {
        if (decision.ndim() != 2) throw std::invalid_argument("decision must be a 2-D array");
        return to_numpy(ct::predict::best_match(decision.data(), decision.shape(0), decision.shape(1)));
    });
    m.def("prob_match", [](const Array<double>& probability, const std::vector<std::string>& labels, double p_thres) {
        check_matrix(probability, labels.size(), "probability");
        return ct::predict::prob_match(probability.data(), probability.shape(0), labels, p_thres);
    });
    m.def("conf_score_of", [](const Array<double>& probability, const std::vector<std::string>& labels,
                              const std::vector<std::string>& cell_labels) {
        check_matrix(probability, labels.size(), "probability");
        return to_numpy(ct::predict::conf_score_of(probability.data(), probability.shape(0), labels, cell_labels));
    });
    m.def("normalize_log1p", [](py::array_t<float, py::array::c_style> data, const Array<std::int64_t>& indptr) {
        if (!data.writeable()) throw std::invalid_argument("data must be a writeable float32 array");
        const auto p = row_pointers(indptr, static_cast<std::size_t>(data.size()));
        py::gil_scoped_release release;
        ct::predict::normalize_log1p(data.mutable_data(), p.data(), p.size() - 1);
    }, "normalize_total(target_sum=1e4) + log1p of a CSR chunk's values, in place (float32 C-contiguous)");
    m.def("make_unique", [](const std::vector<std::string>& names) { return ct::predict::make_unique(names); });
    m.def("majority_vote", [](const std::vector<std::string>& predicted, const std::vector<std::string>& clusters, double min_prop) {
        const auto r = ct::voting::majority_vote(predicted, clusters, {min_prop});
        py::dict out;
        out["majority_voting"] = r.majority_voting;
        out["clusters"] = r.clusters;
        out["winner"] = r.winner;
        return out;
    });
    m.def("write_csv_rows", [](const Array<double>& values, const std::string& ids, const std::vector<std::uint32_t>& offsets) {
        if (values.ndim() != 2) throw std::invalid_argument("values must be a 2-D array");
        const std::size_t rows = values.shape(0), cols = values.shape(1);
        if (offsets.size() != rows + 1 || offsets.back() > ids.size()) throw std::invalid_argument("id offsets must hold rows + 1 offsets into ids");
        std::string out(ct::csv::csv_rows_capacity(rows, cols, ids.size()), '\0');
        std::size_t n;
        {
            py::gil_scoped_release release;
            n = ct::csv::write_csv_rows({values.data(), rows, cols, ids.data(), offsets.data()}, out.data());
        }
        return py::bytes(out.data(), n);
    });
    m.def("py_float", [](double x) {
        char buf[ct::csv::py_float_max_chars];
        return std::string(buf, ct::csv::format_py_float(x, buf));
    });
    m.def("hardware_threads", [] { return std::thread::hardware_concurrency(); });
    m.def("default_resolution", &ct::cluster::default_resolution);

    py::class_<OverClusterer>(m, "OverClusterer")
        .def(py::init<std::size_t>(), py::arg("n_genes"))
        .def("add_stats", &OverClusterer::add_stats)
        .def("select_genes", &OverClusterer::select_genes, py::arg("options") = py::dict())
        .def("use_genes", &OverClusterer::use_genes)
        .def("add_rows", &OverClusterer::add_rows)
        .def("run", &OverClusterer::run, py::arg("options") = py::dict(), py::arg("progress") = py::none());
    m.def("cluster_points", &cluster_points, py::arg("pcs"), py::arg("options") = py::dict(), py::arg("progress") = py::none());
    m.def("cluster_graph", &cluster_graph, py::arg("n"), py::arg("indptr"), py::arg("indices"), py::arg("weights"),
          py::arg("init") = py::none(), py::arg("options") = py::dict(), py::arg("progress") = py::none());
}
