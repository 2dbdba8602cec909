#pragma once
/// @file rp_forest.hpp
/// Random-projection trees (pynndescent's Euclidean trees): each node splits its cells by the
/// hyperplane halfway between two of them, chosen at random, until leaves hold at most
/// `leaf_size` cells. Cells in the same leaf are likely neighbours: NN-descent starts from all
/// pairs within each leaf. Trees are seeded one by one, so the forest is the same for any
/// thread count and on every platform (float sums in a fixed order, no libm).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "cluster/knn.hpp"

namespace ct::cluster {

/// One tree's leaves: `cells` lists every cell once, leaf by leaf; leaf l is
/// cells[leaf_start[l], leaf_start[l + 1]).
struct RpLeaves {
    std::vector<std::int32_t> cells;
    std::vector<std::int64_t> leaf_start{0};
    std::size_t n_leaves() const { return leaf_start.size() - 1; }
};

/// Dot product of two dim-vectors in the same fixed summation order as squared_distance.
float dot_product(const float* a, const float* b, std::size_t dim);

/// The leaves of one tree. @param leaf_size at least 2.
RpLeaves rp_tree_leaves(const PointsView& points, std::size_t leaf_size, std::uint64_t seed);

/// One tree per seed, built in parallel (tree t is rp_tree_leaves(points, leaf_size, seeds[t])).
/// Callers build a large forest a few trees at a time to bound memory.
std::vector<RpLeaves> rp_forest(const PointsView& points, const std::vector<std::uint64_t>& seeds,
                                std::size_t leaf_size, std::size_t n_threads);

}  // namespace ct::cluster
