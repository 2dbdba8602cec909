#pragma once
/// @file scale.hpp
/// scanpy's `scale(max_value=10)` on a sparse matrix without densifying it. Each gene is
/// centered and divided by its sample standard deviation (1 where it is 0) and clipped to
/// [-max_value, max_value]. A zero entry scales to the same constant z_j in every cell, so the
/// scaled matrix is kept as `Y = Z + 1 z^T` where Z is sparse (nonzero only where the input
/// is) — exactly the dense result, stored in the input's nonzeros.

#include <cstddef>
#include <vector>

#include "cluster/sparse_rows.hpp"

namespace ct::cluster {

struct ScaleOptions {
    /// Clip bound after scaling (scanpy `max_value`; CellTypist passes 10). <= 0 disables.
    double max_value = 10.0;
};

struct ScaledMatrix {
    SparseRows offsets;              ///< Z: scaled value minus zero_value, at the input nonzeros
    std::vector<double> zero_value;  ///< z: scaled value of a zero entry, per gene
    std::vector<double> mean;        ///< per-gene mean of the input
    std::vector<double> std;         ///< per-gene sample std of the input (1 where it was 0)
};

/// Scales `x` (consumed: its storage is reused for Z).
ScaledMatrix scale_sparse(SparseRows x, const ScaleOptions& options = {});

}  // namespace ct::cluster
