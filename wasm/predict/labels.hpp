#pragma once
/// @file labels.hpp
/// Turning decision scores / probabilities into CellTypist's label columns.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ct::predict {

/// CellTypist's label for cells whose probabilities all fall below p_thres in prob_match.
inline const char* const kUnassigned = "Unassigned";

/// `best_match`: index of the largest decision score per row (first one on ties, as numpy argmax).
std::vector<std::int32_t> best_match(const double* decision, std::size_t n_rows,
                                     std::size_t n_labels);

/// `prob_match`: every label with probability > p_thres, joined with '|' in label order;
/// "Unassigned" when none.
std::vector<std::string> prob_match(const double* probability, std::size_t n_rows,
                                    const std::vector<std::string>& labels, double p_thres);

/// `conf_score`: the maximum probability per row (also in prob_match mode, as CellTypist).
std::vector<double> conf_score(const double* probability, std::size_t n_rows, std::size_t n_labels);

/// `conf_score` as CellTypist's `to_adata(insert_conf_by='majority_voting')`: the probability
/// of each cell's voted label when it is a model label, else (Heterogeneous, A|B, Unassigned)
/// the maximum probability.
std::vector<double> conf_score_of(const double* probability, std::size_t n_rows,
                                  const std::vector<std::string>& labels,
                                  const std::vector<std::string>& cell_labels);

}  // namespace ct::predict
