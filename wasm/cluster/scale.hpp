#pragma once
/// @file scale.hpp
/// Column standardization of a sparse matrix without densifying it, the one mechanism behind
/// scanpy's `scale(max_value=10)` (over-clustering) and sklearn's StandardScaler + CellTypist's
/// clip (training). Each gene is (optionally) centered, divided by its standard deviation (1 where
/// it is ~0) and clipped. A zero entry scales to the same constant z_j in every cell, so the
/// scaled matrix is kept as `Y = Z + 1 z^T` where Z is sparse (nonzero only where the input is):
/// exactly the dense result, stored in the input's nonzeros.

#include <cstddef>
#include <limits>
#include <vector>

#include "cluster/sparse_rows.hpp"

namespace ct::cluster {

struct StandardizeOptions {
    bool center = true;  ///< subtract the mean
    int ddof = 1;        ///< variance divisor n - ddof (scanpy 1, sklearn 0)
    double clip_low = -std::numeric_limits<double>::infinity();
    double clip_high = std::numeric_limits<double>::infinity();
    /// A standard deviation of 0 or below this becomes 1 (sklearn: 10 machine epsilons).
    double min_scale = 0.0;
};

struct ScaledMatrix {
    SparseRows offsets;              ///< Z: scaled value minus zero_value, at the input nonzeros
    std::vector<double> zero_value;  ///< z: scaled value of a zero entry, per gene
    std::vector<double> mean;        ///< per-gene mean of the input (also when not centering)
    std::vector<double> var;         ///< per-gene variance (divisor n - ddof)
    std::vector<double> std;         ///< the divisor used: sqrt(var), or 1 where that is ~0
};

/// Standardizes the columns of `x` (consumed: its storage is reused for Z).
ScaledMatrix standardize_sparse(SparseRows x, const StandardizeOptions& options);

struct ScaleOptions {
    /// Clip bound after scaling (scanpy `max_value`; CellTypist passes 10). <= 0 disables.
    double max_value = 10.0;
};

/// scanpy's `scale`: centered, sample standard deviation, clipped to [-max_value, max_value].
ScaledMatrix scale_sparse(SparseRows x, const ScaleOptions& options = {});

}  // namespace ct::cluster
