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

#include "model/markers.hpp"
#include "model/pickle_reader.hpp"
#include "predict/labels.hpp"
#include "predict/make_unique.hpp"
#include "predict/normalize.hpp"
#include "predict/predictor.hpp"
#include "predict/score_parallel.hpp"
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

std::vector<std::string> strings_from(const val& array) {
    return emscripten::vecFromJSArray<std::string>(array);
}

val strings_to(const std::vector<std::string>& v) {
    val out = val::array();
    for (std::size_t i = 0; i < v.size(); ++i) out.set(i, v[i]);
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

  private:
    std::unique_ptr<ct::predict::Predictor> p_;
    std::vector<std::int64_t> indptr64_;
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

unsigned hardware_threads() { return std::thread::hardware_concurrency(); }

}  // namespace

EMSCRIPTEN_BINDINGS(celltypist) {
    emscripten::class_<Model>("Model")
        .constructor<std::uintptr_t, std::size_t>()
        .function("labels", &Model::labels)
        .function("features", &Model::features)
        .function("n_features", &Model::n_features)
        .function("estimator", &Model::estimator)
        .function("description", &Model::description)
        .function("top_markers", &Model::top_markers);
    emscripten::class_<Predictor>("Predictor")
        .constructor<const Model&, const val&>()
        .function("n_labels", &Predictor::n_labels)
        .function("n_features_used", &Predictor::n_features_used)
        .function("score", &Predictor::score);
    emscripten::function("best_match", &best_match);
    emscripten::function("prob_match", &prob_match);
    emscripten::function("make_unique", &make_unique);
    emscripten::function("conf_score_of", &conf_score_of);
    emscripten::function("majority_vote", &majority_vote);
    emscripten::function("normalize_log1p", &normalize_log1p);
    emscripten::function("hardware_threads", &hardware_threads);
}
