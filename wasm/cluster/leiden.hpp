#pragma once
/// @file leiden.hpp
/// Leiden community detection (Traag, Waltman & van Eck 2019) maximizing modularity with a
/// resolution parameter, as igraph's `community_leiden(objective_function="modularity")`
/// that scanpy's `leiden(flavor="igraph")` calls: fast local moving with a queue, randomized
/// refinement within each cluster (only well-connected nodes and clusters, chosen with
/// probability proportional to exp(gain / beta)), aggregation on the refined partition, and
/// `n_iterations` full passes each starting from the previous partition. Node weights are the
/// weighted degrees and the resolution is divided by their sum (igraph's normalization).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "cluster/fuzzy_graph.hpp"

namespace ct::cluster {

struct LeidenOptions {
    /// Modularity resolution gamma (CellTypist: 5 to 30 by the number of cells).
    double resolution = 1.0;
    /// Randomness of the refinement (igraph `beta`, scanpy passes 0.01).
    double beta = 0.01;
    /// Full Leiden passes (scanpy's igraph flavor: 2); a negative value runs until a pass
    /// changes nothing.
    int n_iterations = 2;
    std::uint64_t seed = 0;
};

/// Cluster of each node, numbered 0.. by decreasing size (ties by first node).
/// @throws std::invalid_argument for an empty or asymmetric-size graph.
std::vector<std::int32_t> leiden(const WeightedGraph& graph, const LeidenOptions& options = {});

/// Modularity with resolution: (1/2m) sum_c [ w_in(c) - gamma K_c^2 / 2m ], where w_in
/// counts each internal edge in both directions and K_c is the cluster's total degree.
double modularity(const WeightedGraph& graph, const std::vector<std::int32_t>& membership,
                  double resolution = 1.0);

/// Renumbers labels to 0.. by decreasing cluster size, ties by first occurrence.
std::vector<std::int32_t> renumber_by_size(const std::vector<std::int32_t>& membership);

}  // namespace ct::cluster
