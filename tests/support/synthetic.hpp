#pragma once
/// @file synthetic.hpp
/// Small seeded synthetic data shared by several tests.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "cluster/sparse_rows.hpp"

namespace ct::testing {

/// n points in `dim` dimensions around 20 random centres (row-major), seeded.
std::vector<float> clustered_points(std::size_t n, std::size_t dim, std::uint64_t seed);

/// 300 cells x 4 genes in three groups (cell i is in group i % 3, with gene i % 3 high);
/// `groups` receives each cell's group.
cluster::SparseRows three_blobs(std::vector<std::int32_t>& groups);

/// A dense matrix (rows of floats) as SparseRows, zeros dropped.
cluster::SparseRows sparse_from_dense(const std::vector<std::vector<float>>& rows);

/// Share of cells labelled as the truth, over the cells whose truth is in `known`.
double accuracy(const std::vector<std::string>& labels, const std::vector<std::string>& truth,
                const std::set<std::string>& known);

/// Share of positions where the two label vectors agree.
double agreement(const std::vector<std::string>& a, const std::vector<std::string>& b);

}  // namespace ct::testing
