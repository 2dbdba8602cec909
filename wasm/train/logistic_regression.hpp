#pragma once
/// @file logistic_regression.hpp
/// One-vs-rest L2 logistic regression as sklearn's `LogisticRegression(C, solver='lbfgs',
/// multi_class='ovr')` that `celltypist.train` fits: per class, minimize
/// sum_i log(1 + exp(-y_i (w.x_i + b))) + ||w||^2 / (2C) (intercept not penalized) with
/// L-BFGS, on the implicit standardized design (design.hpp). Classes are fitted in parallel.
/// With 2 classes a single model is fitted for the second class, as sklearn does.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "train/design.hpp"
#include "train/lbfgs.hpp"

namespace ct::train {

struct LogisticOptions {
    double C = 1.0;
    std::size_t max_iter = 1000;  ///< CellTypist: 1000 / 500 / 200 for < 50k / < 500k / more cells
    double tol = 1e-4;
    std::size_t n_threads = 1;
};

struct LinearFit {
    std::size_t n_rows = 0;         ///< coef rows (1 for a binary problem)
    std::vector<double> coef;       ///< row-major n_rows x n_features
    std::vector<double> intercept;  ///< n_rows
    std::vector<std::size_t> iterations;
    bool converged = true;
};

/// A zero fit for n_classes (one row when binary) over n_features, with the input checked.
/// @throws std::invalid_argument when the labels do not match the cells or there is one class.
LinearFit empty_fit(const std::vector<std::int32_t>& y, std::size_t n_cells, std::size_t n_classes,
                    std::size_t n_features);

/// @param y class index of each cell in [0, n_classes).
LinearFit fit_logistic_ovr(const Design& d, const std::vector<std::int32_t>& y,
                           std::size_t n_classes, const LogisticOptions& options = {});

/// Decision scores w.x + b of every cell for one coef row (helper shared by the SGD code and
/// tests).
void decision_scores(const Design& d, const double* w, double b, std::vector<double>& out);

}  // namespace ct::train
