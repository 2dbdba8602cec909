#include "voting/majority_vote.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace ct::voting {

MajorityVoteResult majority_vote(const std::vector<std::string>& predicted_labels,
                                 const std::vector<std::string>& over_clustering,
                                 const MajorityVoteOptions& options) {
    if (predicted_labels.size() != over_clustering.size()) {
        throw std::invalid_argument("majority voting needs one cluster per cell (" +
                                    std::to_string(over_clustering.size()) + " clusters for " +
                                    std::to_string(predicted_labels.size()) + " cells)");
    }
    // std::map orders byte-wise, which for UTF-8 equals Python's code-point string order
    // (what pandas uses to sort crosstab rows/columns).
    std::map<std::string, std::map<std::string, std::size_t>> votes;
    for (std::size_t i = 0; i < predicted_labels.size(); ++i)
        ++votes[over_clustering[i]][predicted_labels[i]];

    MajorityVoteResult out;
    std::map<std::string, std::string> winner_of;
    for (const auto& [cluster, counts] : votes) {
        std::size_t total = 0, best = 0;
        const std::string* label = nullptr;
        for (const auto& [l, n] : counts) {
            total += n;
            if (n > best) {  // strict: first label in sorted order wins ties (idxmax)
                best = n;
                label = &l;
            }
        }
        const double share = static_cast<double>(best) / static_cast<double>(total);
        const std::string w = share < options.min_prop ? std::string(kHeterogeneous) : *label;
        out.clusters.push_back(cluster);
        out.winner.push_back(w);
        out.share.push_back(share);
        out.size.push_back(total);
        winner_of[cluster] = w;
    }
    out.majority_voting.resize(predicted_labels.size());
    for (std::size_t i = 0; i < predicted_labels.size(); ++i)
        out.majority_voting[i] = winner_of[over_clustering[i]];
    return out;
}

}  // namespace ct::voting
