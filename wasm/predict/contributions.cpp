#include "predict/contributions.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

namespace ct::predict {

namespace {
constexpr double kClip = 10.0;  // CellTypist clips standardized values above 10 only
}

Explainer::Explainer(const model::Model& model, const std::vector<std::string>& query_genes)
    : n_labels_(model.n_labels()),
      n_rows_coef_(model.coef_rows()),
      binary_(model.is_binary()),
      intercept_(model.intercept),
      slot_(query_genes.size(), -1) {
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < model.n_features(); ++i) index.emplace(model.features[i], i);
    for (std::size_t j = 0; j < query_genes.size(); ++j) {
        auto it = index.find(query_genes[j]);
        if (it == index.end()) continue;
        slot_[j] = static_cast<std::int32_t>(used_.size());
        used_.push_back(it->second);
    }
    if (used_.empty()) throw std::invalid_argument("no gene of the data matches the model's genes");
    for (std::size_t f : used_) {
        mean_.push_back(model.scaler_mean[f]);
        scale_.push_back(model.scaler_scale[f]);
        for (std::size_t r = 0; r < n_rows_coef_; ++r)
            coef_.push_back(model.coef[r * model.n_features() + f]);
    }
}

std::vector<Contribution> Explainer::all(const float* data, const std::int32_t* indices,
                                         std::size_t nnz, std::size_t label) const {
    if (label >= n_labels_) throw std::out_of_range("label index out of range");
    // Binary models store one row s; CellTypist's columns are [-s, s].
    const std::size_t row = binary_ ? 0 : label;
    const double sign = binary_ && label == 0 ? -1.0 : 1.0;
    std::vector<double> value(used_.size(), 0.0);
    for (std::size_t k = 0; k < nnz; ++k) {
        if (indices[k] < 0 || static_cast<std::size_t>(indices[k]) >= slot_.size())
            throw std::out_of_range("gene index out of range");
        const std::int32_t s = slot_[static_cast<std::size_t>(indices[k])];
        if (s >= 0) value[static_cast<std::size_t>(s)] = data[k];
    }
    std::vector<Contribution> out(used_.size());
    for (std::size_t u = 0; u < used_.size(); ++u) {
        Contribution& c = out[u];
        c.feature = used_[u];
        c.value = value[u];
        c.scaled = std::min((value[u] - mean_[u]) / scale_[u], kClip);
        c.coef = sign * coef_[u * n_rows_coef_ + row];
        c.contribution = c.coef * c.scaled;
    }
    return out;
}

std::vector<Contribution> Explainer::top(const float* data, const std::int32_t* indices,
                                         std::size_t nnz, std::size_t label,
                                         const ContributionOptions& options) const {
    std::vector<Contribution> c = all(data, indices, nnz, label);
    const std::size_t n = std::min(options.top_n, c.size());
    auto key = [&](const Contribution& x) {
        return options.positive_first ? x.contribution : std::abs(x.contribution);
    };
    // Ties broken by model feature order, so results are deterministic.
    std::partial_sort(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(n), c.end(),
                      [&](const Contribution& a, const Contribution& b) {
                          return key(a) != key(b) ? key(a) > key(b) : a.feature < b.feature;
                      });
    c.resize(n);
    return c;
}

double Explainer::decision(const float* data, const std::int32_t* indices, std::size_t nnz,
                           std::size_t label) const {
    if (label >= n_labels_) throw std::out_of_range("label index out of range");
    const std::size_t row = binary_ ? 0 : label;
    const double sign = binary_ && label == 0 ? -1.0 : 1.0;
    double d = sign * intercept_[row];
    for (const Contribution& c : all(data, indices, nnz, label)) d += c.contribution;
    return d;
}

}  // namespace ct::predict
