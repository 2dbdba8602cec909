#pragma once
/// @file make_unique.hpp
/// anndata's `var_names_make_unique()` (which CellTypist calls on every query): later
/// duplicates of a name get "-1", "-2", ... appended, skipping names that already exist.

#include <string>
#include <vector>

namespace ct::predict {

/// Returns the names made unique exactly as anndata's make_index_unique(join="-").
/// @param n_renamed if not null, receives how many names were changed.
std::vector<std::string> make_unique(const std::vector<std::string>& names,
                                     std::size_t* n_renamed = nullptr);

}  // namespace ct::predict
