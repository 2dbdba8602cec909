#pragma once
/// @file contributions.hpp
/// "Why this label": the genes that contribute most to one cell's decision score for a label.
/// CellTypist's decision is linear, `decision[c] = intercept[c] + sum_g coef[c, g] * xs_g` with
/// `xs_g = min((x_g - mean_g) / scale_g, 10)` over the model genes found in the query, so each
/// gene's share of the score is exactly `coef[c, g] * xs_g` (genes with zero expression included:
/// their scaled value is `-mean/scale`). For a binary model the two columns are `[-s, s]`, so
/// label 0 uses `-coef`.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/model.hpp"

namespace ct::predict {

struct ContributionOptions {
    /// How many genes to return (default 10: enough to read, few enough for a tooltip).
    std::size_t top_n = 10;
    /// Rank by signed contribution, largest first (true, default: the genes that push the score
    /// up), or by absolute value (false: also the genes that argue against the label).
    bool positive_first = true;
};

/// One gene's share of a decision score.
struct Contribution {
    std::size_t feature = 0;  ///< index in `model.features`
    double value = 0;         ///< the cell's expression (0 when not stored)
    double scaled = 0;        ///< min((value - mean) / scale, 10)
    double coef = 0;          ///< coefficient for the label (negated for label 0 of a binary model)
    double contribution = 0;  ///< coef * scaled
};

/// Gene matching as Predictor (query genes in model.features, first occurrence), done once.
/// Keeps its own copy of the used genes' scaler and coefficients, so it does not depend on the
/// model's lifetime.
class Explainer {
  public:
    /// @throws std::invalid_argument when no query gene is a model feature.
    Explainer(const model::Model& model, const std::vector<std::string>& query_genes);

    /// Contributions to `label`'s decision for one cell given as sparse values over query
    /// columns (`indices` index `query_genes`). Their sum over all used genes plus the
    /// intercept is the decision score (see `decision`).
    /// @throws std::out_of_range for a label or column index out of range.
    std::vector<Contribution> top(const float* data, const std::int32_t* indices, std::size_t nnz,
                                  std::size_t label, const ContributionOptions& options = {}) const;

    /// The full decision score of `label` for the same cell (intercept + all contributions).
    double decision(const float* data, const std::int32_t* indices, std::size_t nnz,
                    std::size_t label) const;

    std::size_t n_features_used() const { return used_.size(); }

  private:
    std::vector<Contribution> all(const float* data, const std::int32_t* indices, std::size_t nnz,
                                  std::size_t label) const;

    std::size_t n_labels_ = 0;
    std::size_t n_rows_coef_ = 0;  ///< 1 for a binary model
    bool binary_ = false;
    std::vector<double> intercept_;     ///< per coef row
    std::vector<std::int32_t> slot_;    ///< query column -> index in used_, or -1
    std::vector<std::size_t> used_;     ///< model feature of each used query gene, query order
    std::vector<double> mean_, scale_;  ///< per used gene
    std::vector<double> coef_;          ///< used-gene-major: n_used x n_rows_coef
};

}  // namespace ct::predict
