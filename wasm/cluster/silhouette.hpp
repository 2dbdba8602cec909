#pragma once
/// @file silhouette.hpp
/// Mean silhouette width of labelled points (Rousseeuw 1987, as sklearn's `silhouette_score`
/// with Euclidean distance): how well an embedding separates known groups, in [-1, 1]. Used to
/// show that a faster layout separates cell types as well as before.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ct::cluster {

/// @param points row-major n x dim.
/// @param labels n group labels.
/// @param max_points above this many points, a fixed random subset of this size is scored
///        (both as the scored cells and as the cells they are compared with), like sklearn's
///        `sample_size`; 0 scores all (quadratic).
/// @throws std::invalid_argument for mismatched sizes or fewer than 2 groups.
double silhouette(const std::vector<float>& points, std::size_t dim,
                  const std::vector<std::int32_t>& labels, std::size_t max_points = 5000);

}  // namespace ct::cluster
