#pragma once
/// @file train.hpp
/// `celltypist.train` on log1p-normalized expression: drop genes never expressed, standardize
/// (with_mean optional, clip at 10), fit one-vs-rest logistic regression (L-BFGS, C = 1) or SGD
/// (optionally mini-batch, cell-type balanced); with feature selection, a first SGD fit picks each
/// cell type's top genes by |coefficient| (union, sorted), then the classifier is refitted on
/// those genes and the scaler subset. The result is a model::Model ready to predict and to be
/// written as a CellTypist pickle.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cluster/sparse_rows.hpp"
#include "model/model.hpp"

namespace ct::train {

struct TrainOptions {
    bool with_mean = true;
    double C = 1.0;
    /// 0 = CellTypist's rule: 1000 / 500 / 200 iterations for < 50k / < 500k / more cells.
    std::size_t max_iter = 0;
    bool use_sgd = false;
    double alpha = 1e-4;
    bool mini_batch = false;
    std::size_t batch_number = 100;
    std::size_t batch_size = 1000;
    std::size_t epochs = 10;
    bool balance_cell_type = false;
    bool feature_selection = false;
    std::size_t top_genes = 300;
    std::uint64_t seed = 0;
    std::size_t n_threads = 1;
    model::Description description;
};

/// Called with a step name ("scale", "fit", "select", "refit", "done").
using TrainProgress = std::function<void(const std::string& step)>;

struct TrainReport {
    std::size_t n_genes_expressed = 0;
    std::size_t n_features = 0;
    bool converged = true;
    std::size_t max_iterations = 0;
};

/// Genes each cell type ranks highest by |coef| (top_n per row), union, ascending: numpy's
/// argpartition + unique as CellTypist does it (ties at the boundary may pick either gene).
std::vector<std::int32_t> top_genes_union(const std::vector<double>& coef, std::size_t rows,
                                          std::size_t n_features, std::size_t top_n);

/// @param x cells x genes (log1p); consumed.
/// @param labels one per cell; classes are their sorted distinct values.
/// @throws std::invalid_argument (user-readable) for unusable input.
model::Model train_model(cluster::SparseRows x, const std::vector<std::string>& genes,
                         const std::vector<std::string>& labels, const TrainOptions& options = {},
                         const TrainProgress& progress = {}, TrainReport* report = nullptr);

}  // namespace ct::train
