#pragma once
/// @file subset.hpp
/// A model restricted to some of its cell types: their coefficient rows and intercepts, in the
/// model's label order; genes and scaler unchanged. One-vs-rest scores of the kept types are
/// exactly those of the full model, so their decision values do not change.

#include <string>
#include <vector>

#include "model/model.hpp"

namespace ct::model {

/// @throws std::invalid_argument for unknown labels, or fewer than 3 kept types (2 would need
///   sklearn's single-row binary form, which is a different model).
Model subset_model(const Model& model, const std::vector<std::string>& keep);

}  // namespace ct::model
