// Embind: the Model class (load, describe, markers, arrays for the pickle writer, subset,
// convert). Marshalling only; the class is in model.hpp.
#include <emscripten/bind.h>

#include "bindings/model.hpp"

using namespace ct::bindings;

EMSCRIPTEN_BINDINGS(ct_model) {
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
}
