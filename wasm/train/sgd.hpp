#pragma once
/// @file sgd.hpp
/// One-vs-rest logistic regression by stochastic gradient descent, as sklearn's
/// `SGDClassifier(loss='log_loss', alpha, learning_rate='optimal')` that `celltypist.train` uses
/// with `use_SGD=True` and for feature selection: per sample w <- (1 - eta alpha) w - eta dloss x,
/// eta = 1 / (alpha (t0 + t)) with sklearn's t0 heuristic, samples shuffled each epoch (seeded),
/// stop after 5 epochs without the summed loss improving by tol * n. Mini-batch mode (CellTypist's
/// `mini_batch`) runs epochs over `batch_number` batches of `batch_size` cells sampled without
/// replacement, optionally with probabilities that balance cell types (`balance_cell_type`).
///
/// Each update touches only the sample's nonzeros: w is kept as scale * (u + beta c) where c is
/// the design's dense zero-offset vector, so the dense part is a scalar.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "train/design.hpp"
#include "train/logistic_regression.hpp"

namespace ct::train {

struct SgdOptions {
    double alpha = 1e-4;          ///< L2 strength
    std::size_t max_iter = 1000;  ///< epochs (full-batch mode)
    double tol = 1e-3;
    std::size_t n_iter_no_change = 5;
    bool mini_batch = false;
    std::size_t batch_number = 100;
    std::size_t batch_size = 1000;
    std::size_t epochs = 10;
    bool balance_cell_type = false;
    std::uint64_t seed = 0;
    std::size_t n_threads = 1;
};

LinearFit fit_sgd_ovr(const Design& d, const std::vector<std::int32_t>& y, std::size_t n_classes,
                      const SgdOptions& options = {});

}  // namespace ct::train
