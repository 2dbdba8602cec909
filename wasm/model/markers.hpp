#pragma once
/// @file markers.hpp
/// CellTypist's `Model.extract_top_markers`: the genes with the largest coefficients for
/// a cell type.

#include <cstddef>
#include <string>
#include <vector>

#include "model/model.hpp"

namespace ct::model {

struct TopMarkersOptions {
    /// How many genes to return (CellTypist `top_n`, default 10).
    std::size_t top_n = 10;
    /// Rank by signed coefficient (true, CellTypist default `only_positive=True`) or by its
    /// absolute value (false).
    bool only_positive = true;
};

/// Top marker genes of `cell_type`, best first.
/// @throws std::invalid_argument when the cell type is not in the model.
std::vector<std::string> top_markers(const Model& model, const std::string& cell_type,
                                     const TopMarkersOptions& options = {});

}  // namespace ct::model
