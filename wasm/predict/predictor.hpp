#pragma once
/// @file predictor.hpp
/// Sparse scoring of query cells against a model,
/// exactly CellTypist 1.7.1 `Classifier.celltype()` steps 2-5 (see ../shared/fixtures/README.md).
///
/// Matching: query genes found in `model.features` are used, in query order; model columns
/// that are absent from the query are dropped (not zero-filled). Scaling: (x - mean) / scale,
/// clipped above at 10. Because the scaled value of a zero entry is the constant
/// -mean/scale (clipped), its contribution is folded into a per-class offset once, so scoring
/// a cell touches only its nonzeros.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/model.hpp"
#include "predict/label_panels.hpp"

namespace ct::predict {

/// Options of the gene matching step.
struct MatchOptions {
    /// Refuse when fewer than this many model features are found in the query. CellTypist
    /// only refuses on zero overlap; 1 mirrors it.
    std::size_t min_features = 1;
};

/// A model restricted to the query's genes, ready to score cells of that query.
class Predictor {
  public:
    /// @param query_genes gene names of the query's columns (after var_names_make_unique).
    /// @throws std::invalid_argument (user-readable) when the overlap is below min_features.
    Predictor(const model::Model& model, const std::vector<std::string>& query_genes,
              const MatchOptions& options = {});

    std::size_t n_labels() const;
    std::size_t n_query_genes() const;
    /// Model features found in the query (CellTypist's `n_features_used`).
    std::size_t n_features_used() const;

    /// Scores `n_rows` cells given as CSR: `data`/`indices` point at the chunk's first nonzero
    /// and `indptr` has n_rows + 1 entries that may be offset (only differences to indptr[0]
    /// matter), so a chunk can be cut from a larger matrix without copying its row pointers.
    /// Values are log1p-normalized expression; column indices index `query_genes`.
    /// Writes row-major `n_rows x n_labels()` decision scores and probabilities (expit).
    /// Either output may be null if not wanted.
    void score(const float* data, const std::int32_t* indices, const std::int64_t* indptr,
               std::size_t n_rows, double* decision, double* probability) const;

  private:
    /// A row's used nonzeros as (slot, delta from the zero value) pairs, checking the CSR.
    void gather_row(const float* data, const std::int32_t* indices, std::int64_t lo,
                    std::int64_t hi, SlabbedRows& out) const;
    /// Throws the message for the first of `n` columns out of range.
    [[noreturn]] void throw_bad_column(const std::int32_t* columns, std::size_t n) const;
    /// Decision scores and probabilities of one row from its sums (one per coef row).
    void finish_row(const double* sums, double* decision, double* probability) const;

    std::size_t n_labels_ = 0;
    std::size_t n_query_ = 0;
    std::size_t n_used_ = 0;
    std::size_t n_rows_coef_ = 0;  ///< coef rows kept (1 for a binary model)
    bool binary_ = false;
    std::vector<std::int32_t> slot_;   ///< query column -> used-feature slot, or -1
    std::vector<double> mean_;         ///< per slot
    std::vector<double> scale_;        ///< per slot (divided by, as numpy does, for parity)
    std::vector<double> zero_scaled_;  ///< per slot: clip((0 - mean) / scale)
    LabelPanels weights_;              ///< n_used x n_rows_coef, in label panels
    std::vector<double> offset_;       ///< per coef row: intercept + sum_slots zero_scaled * w
};

}  // namespace ct::predict
