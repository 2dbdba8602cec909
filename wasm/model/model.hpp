#pragma once
/// @file model.hpp
/// The typed form of a CellTypist model: everything prediction, voting, training and the
/// pickle reader/writer agree on. Plain data, no behaviour beyond small accessors.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ct::model {

/// `description` dict of a CellTypist model file (all fields optional in practice).
struct Description {
    std::string date;     ///< e.g. "2024-01-01 00:00:00.000000"
    std::string details;  ///< free text
    std::string url;      ///< where the model was published
    std::string source;   ///< publication DOI/URL
    std::string version;  ///< e.g. "v2"
    std::int64_t number_celltypes = 0;
};

/// Which sklearn estimator the pickle held. Prediction is the same linear model for both.
enum class Estimator { LogisticRegression, SGDClassifier };

/// A CellTypist model: a linear one-vs-rest classifier over standardized log1p expression.
///
/// Layout follows sklearn: `coef` is row-major `coef_rows() x n_features()`. A binary model
/// (2 labels) stores a single row, exactly as sklearn does; prediction expands it to the two
/// columns `[-s, s]` like CellTypist.
struct Model {
    Estimator estimator = Estimator::LogisticRegression;
    std::vector<std::string> labels;    ///< `classes_`, in model order
    std::vector<std::string> features;  ///< `Model.features` (gene symbols), in model order
    std::vector<double> coef;           ///< `coef_`, row-major
    std::vector<double> intercept;      ///< `intercept_`, one per coef row
    std::vector<double> scaler_mean;    ///< `Scaler_.mean_` (zeros when with_mean is false)
    std::vector<double> scaler_scale;   ///< `Scaler_.scale_` (ones when with_std is false)
    std::vector<double> scaler_var;     ///< `Scaler_.var_` (kept for writing pickles back)
    bool with_mean = true;              ///< `Scaler_.with_mean`
    bool with_std = true;               ///< `Scaler_.with_std`
    std::int64_t scaler_n_samples_seen = 0;
    Description description;

    std::size_t n_labels() const { return labels.size(); }
    std::size_t n_features() const { return features.size(); }
    /// Rows of `coef`: 1 for a binary model, else one per label.
    std::size_t coef_rows() const { return labels.size() == 2 ? 1 : labels.size(); }
    bool is_binary() const { return labels.size() == 2; }
};

}  // namespace ct::model
