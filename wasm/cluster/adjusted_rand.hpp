#pragma once
/// @file adjusted_rand.hpp
/// Adjusted Rand index of two clusterings (Hubert & Arabie), as sklearn's
/// `adjusted_rand_score`: 1 for identical partitions, about 0 for independent ones.

#include <string>
#include <vector>

namespace ct::cluster {

/// @throws std::invalid_argument when the two vectors differ in length.
double adjusted_rand_index(const std::vector<std::string>& a, const std::vector<std::string>& b);

}  // namespace ct::cluster
