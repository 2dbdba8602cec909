#include "model/subset.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace ct::model {

Model subset_model(const Model& model, const std::vector<std::string>& keep) {
    const std::set<std::string> wanted(keep.begin(), keep.end());
    for (const auto& k : wanted) {
        if (std::find(model.labels.begin(), model.labels.end(), k) == model.labels.end())
            throw std::invalid_argument("the model has no cell type '" + k + "'");
    }
    if (model.is_binary()) throw std::invalid_argument("a two-type model cannot be subset");
    if (wanted.size() < 3)
        throw std::invalid_argument(
            "keep at least 3 cell types (a 2-type model is a different, binary model)");
    Model out = model;
    out.labels.clear();
    out.coef.clear();
    out.intercept.clear();
    const std::size_t F = model.n_features();
    for (std::size_t r = 0; r < model.labels.size(); ++r) {
        if (!wanted.count(model.labels[r])) continue;
        out.labels.push_back(model.labels[r]);
        out.coef.insert(out.coef.end(), model.coef.begin() + static_cast<std::ptrdiff_t>(r * F),
                        model.coef.begin() + static_cast<std::ptrdiff_t>((r + 1) * F));
        out.intercept.push_back(model.intercept[r]);
    }
    out.description.number_celltypes = static_cast<std::int64_t>(out.labels.size());
    return out;
}

}  // namespace ct::model
