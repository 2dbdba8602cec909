#pragma once
/// @file majority_vote.hpp
/// CellTypist's majority voting: within each cluster of an over-clustering, the most
/// frequent predicted label wins; if its share is below `min_prop`, the cluster is
/// "Heterogeneous".

#include <cstddef>
#include <string>
#include <vector>

namespace ct::voting {

/// CellTypist's label for clusters without a clear majority.
inline const char* const kHeterogeneous = "Heterogeneous";

struct MajorityVoteOptions {
    /// Minimum share of the winning label in a cluster; below it the cluster is
    /// "Heterogeneous". CellTypist `min_prop`, default 0 (always the winner).
    double min_prop = 0.0;
};

struct MajorityVoteResult {
    std::vector<std::string> majority_voting;  ///< per cell
    std::vector<std::string> clusters;         ///< distinct clusters, sorted as pandas sorts them
    std::vector<std::string> winner;           ///< per cluster: voted label (or Heterogeneous)
    std::vector<double> share;                 ///< per cluster: share of the most frequent label
    std::vector<std::size_t> size;             ///< per cluster: number of cells
};

/// Votes like CellTypist (pandas crosstab + idxmax: ties go to the label that sorts first).
/// @throws std::invalid_argument when the two vectors differ in length.
MajorityVoteResult majority_vote(const std::vector<std::string>& predicted_labels,
                                 const std::vector<std::string>& over_clustering,
                                 const MajorityVoteOptions& options = {});

}  // namespace ct::voting
