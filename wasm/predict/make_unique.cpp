#include "predict/make_unique.hpp"

#include <unordered_map>
#include <unordered_set>

namespace ct::predict {

std::vector<std::string> make_unique(const std::vector<std::string>& names,
                                     std::size_t* n_renamed) {
    std::vector<std::string> out = names;
    std::unordered_set<std::string> all(names.begin(), names.end());
    if (n_renamed) *n_renamed = 0;
    if (all.size() == names.size()) return out;
    // Mirrors anndata: one counter per duplicated value across all its duplicates; a
    // candidate that collides with an existing name is skipped.
    std::unordered_set<std::string> seen;
    std::unordered_map<std::string, std::size_t> counter;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (seen.insert(names[i]).second) continue;  // first occurrence keeps its name
        const std::string& v = names[i];
        while (true) {
            const std::string candidate = v + "-" + std::to_string(++counter[v]);
            if (all.insert(candidate).second) {
                out[i] = candidate;
                if (n_renamed) ++*n_renamed;
                break;
            }
        }
    }
    return out;
}

}  // namespace ct::predict
