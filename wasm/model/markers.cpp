#include "model/markers.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace ct::model {

std::vector<std::string> top_markers(const Model& model, const std::string& cell_type,
                                     const TopMarkersOptions& options) {
    const auto it = std::find(model.labels.begin(), model.labels.end(), cell_type);
    if (it == model.labels.end()) {
        throw std::invalid_argument("cell type '" + cell_type + "' is not in the model");
    }
    const std::size_t label = static_cast<std::size_t>(it - model.labels.begin());
    const std::size_t nf = model.n_features();
    // A binary model stores one row for the second class; the first class is its negation.
    const std::size_t row = model.is_binary() ? 0 : label;
    const double sign = model.is_binary() && label == 0 ? -1.0 : 1.0;
    std::vector<double> score(nf);
    for (std::size_t g = 0; g < nf; ++g) {
        const double c = sign * model.coef[row * nf + g];
        score[g] = options.only_positive ? c : std::fabs(c);
    }
    std::vector<std::size_t> order(nf);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
    std::vector<std::string> out;
    for (std::size_t i = 0; i < std::min(options.top_n, nf); ++i)
        out.push_back(model.features[order[i]]);
    return out;
}

}  // namespace ct::model
