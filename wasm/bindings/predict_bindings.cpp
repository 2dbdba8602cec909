// Embind: prediction. Predictor (a model matched to the query's genes, scoring CSR chunks in the
// heap, in the background where threads exist), Explainer ("why this label"), best/prob match,
// conf_score, unique names, in-place normalization and the finite-value check. Marshalling only.
#include <emscripten/bind.h>

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bindings/marshal.hpp"
#include "bindings/model.hpp"
#include "parallel/background.hpp"
#include "predict/contributions.hpp"
#include "predict/finite.hpp"
#include "predict/labels.hpp"
#include "predict/make_unique.hpp"
#include "predict/normalize.hpp"
#include "predict/predictor.hpp"
#include "predict/score_chunk.hpp"
#include "predict/score_parallel.hpp"

using emscripten::val;
using namespace ct::bindings;

namespace {

/// A model matched to a query's genes; scores CSR chunks that live in the wasm heap.
class Predictor {
  public:
    Predictor(const Model& model, const val& genes) {
        js_errors([&] {
            p_ = std::make_unique<ct::predict::Predictor>(model.get(), strings_from(genes));
        });
    }
    std::size_t n_labels() const { return p_->n_labels(); }
    std::size_t n_features_used() const { return p_->n_features_used(); }
    /// indptr is int32 relative to the chunk (JS-friendly); converted to int64 here.
    void score(std::uintptr_t data, std::uintptr_t indices, std::uintptr_t indptr,
               std::size_t n_rows, std::uintptr_t decision, std::uintptr_t probability,
               std::size_t n_threads) {
        return js_errors([&] {
            const auto* ip = ptr<const std::int32_t>(indptr);
            indptr64_.assign(ip, ip + n_rows + 1);
            ct::predict::score_parallel(
                *p_, ptr<const float>(data), ptr<const std::int32_t>(indices), indptr64_.data(),
                n_rows, decision ? ptr<double>(decision) : nullptr,
                probability ? ptr<double>(probability) : nullptr, {n_threads});
        });
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
        js_errors([&] {
            e_ = std::make_unique<ct::predict::Explainer>(model.get(), strings_from(genes));
        });
    }
    /// One cell's sparse row (heap pointers, nnz entries, indices into the query genes).
    /// Returns [{feature, value, scaled, coef, contribution}] best first.
    val top(std::uintptr_t data, std::uintptr_t indices, std::size_t nnz, std::size_t label,
            std::size_t top_n, bool positive_first) const {
        return js_errors([&] {
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
        });
    }
    double decision(std::uintptr_t data, std::uintptr_t indices, std::size_t nnz,
                    std::size_t label) const {
        return js_errors([&] {
            return e_->decision(ptr<const float>(data), ptr<const std::int32_t>(indices), nnz,
                                label);
        });
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
    return js_errors([&] {
        const auto c = ct::predict::conf_score_of(ptr<const double>(probability), n_rows,
                                                  strings_from(labels), strings_from(cell_labels));
        val out = val::global("Float64Array").new_(c.size());
        out.call<void>("set", val(emscripten::typed_memory_view(c.size(), c.data())));
        return out;
    });
}

val make_unique(const val& names) {
    return strings_to(ct::predict::make_unique(strings_from(names)));
}

/// In-place normalize_total(1e4) + log1p of a CSR chunk in the heap (int32 chunk-relative indptr).
void normalize_log1p(std::uintptr_t data, std::uintptr_t indptr, std::size_t n_rows) {
    return js_errors([&] {
        const auto* ip = ptr<const std::int32_t>(indptr);
        std::vector<std::int64_t> p64(ip, ip + n_rows + 1);
        ct::predict::normalize_log1p(ptr<float>(data), p64.data(), n_rows);
    });
}

/// Index of the first NaN/Inf among n float32 values in the heap, or n.
double first_non_finite(std::uintptr_t data, double n) {
    return static_cast<double>(ct::predict::first_non_finite(ptr<const float>(data), static_cast<std::size_t>(n)));
}

unsigned hardware_threads() { return std::thread::hardware_concurrency(); }

}  // namespace

EMSCRIPTEN_BINDINGS(ct_predict) {
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
    emscripten::function("normalize_log1p", &normalize_log1p);
    emscripten::function("hardware_threads", &hardware_threads);
    emscripten::function("first_non_finite", &first_non_finite);
}
