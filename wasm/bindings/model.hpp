// The Model binding's class (a loaded CellTypist model, owned by its JS object), shared by the
// bindings that take a model (Predictor, Explainer) or make one (Trainer, subset, convert).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "bindings/marshal.hpp"
#include "model/convert.hpp"
#include "model/markers.hpp"
#include "model/pickle_reader.hpp"
#include "model/subset.hpp"

namespace ct::bindings {

/// A loaded model, owned by the JS object (call .delete()).
class Model {
  public:
    Model(std::uintptr_t bytes, std::size_t size) {
        js_errors([&] {
            model_ = ct::model::read_model(ptr<const std::uint8_t>(bytes), size);
        });
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
        return js_errors([&] {
            return strings_to(ct::model::top_markers(model_, cell_type, {top_n, only_positive}));
        });
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
        return js_errors([&] {
            return Model(ct::model::subset_model(model_, strings_from(keep)));
        });
    }
    explicit Model(ct::model::Model m) : model_(std::move(m)) {}
    /// CellTypist's Model.convert() by a two-column gene map (CSV bytes in the heap); returns
    /// {model, convert_from, n_features_before}. The new model is owned by the caller.
    val convert(std::uintptr_t bytes, std::size_t size, bool unique_only) const {
        return js_errors([&] {
            const auto map = ct::model::parse_gene_map(ptr<const char>(bytes), size);
            ct::model::ConvertOptions o;
            o.unique_only = unique_only;
            auto r = ct::model::convert_model(model_, map, o);
            val out = val::object();
            out.set("convert_from", r.convert_from);
            out.set("n_features_before", static_cast<double>(r.n_features_before));
            out.set("model", val(Model(std::move(r.model))));
            return out;
        });
    }

  private:
    ct::model::Model model_;
};

}  // namespace ct::bindings
