// Embind: celltypist.train (rows streamed in, a new Model out). Marshalling only.
#include <emscripten/bind.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "bindings/marshal.hpp"
#include "bindings/model.hpp"
#include "cluster/gene_stats.hpp"
#include "train/train.hpp"

using emscripten::val;
using namespace ct::bindings;

namespace {

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
        return js_errors([&] {
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
        });
    }

  private:
    ct::cluster::SparseRows x_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(ct_train) {
    emscripten::class_<Trainer>("Trainer")
        .constructor<std::size_t>()
        .function("add_rows", &Trainer::add_rows)
        .function("train", &Trainer::train);
}
