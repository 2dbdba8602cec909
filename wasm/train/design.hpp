#pragma once
/// @file design.hpp
/// The standardized training matrix of `celltypist.train` without densifying it: sklearn's
/// StandardScaler (population variance; with_mean optional) then CellTypist's clip of values
/// above 10 (only above: `indata[indata > 10] = 10`). A zero entry scales to the per-gene
/// constant c_j = -mean_j / scale_j (<= 0, never clipped), so the matrix is `Z + 1 c^T` with Z
/// sparse on the input's nonzeros — the same numbers as CellTypist's dense array.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "cluster/sparse_rows.hpp"

namespace ct::train {

struct ScalerOptions {
    /// Subtract the mean (CellTypist `with_mean`, default true).
    bool with_mean = true;
    /// Clip scaled values above this (CellTypist: 10).
    double clip = 10.0;
};

/// sklearn StandardScaler's fitted state.
struct Scaler {
    std::vector<double> mean;   ///< zeros when !with_mean
    std::vector<double> var;    ///< population variance (ddof 0)
    std::vector<double> scale;  ///< sqrt(var), 1 where var is ~0 (sklearn's _handle_zeros_in_scale)
    bool with_mean = true;
    std::int64_t n_samples_seen = 0;
};

struct Design {
    cluster::SparseRows z;       ///< scaled value minus offset, at the nonzeros
    std::vector<double> offset;  ///< c_j: scaled value of a zero entry
    Scaler scaler;
};

/// Fits the scaler on `x` (cells x genes, log1p values) and builds the design (x is consumed).
Design standardize(cluster::SparseRows x, const ScalerOptions& options = {});

/// Genes with a nonzero column sum (CellTypist drops the others before scaling), ascending.
std::vector<std::int32_t> expressed_genes(const cluster::SparseRows& x);

/// Keeps the given columns of x (ascending indices), renumbered 0.. .
cluster::SparseRows select_columns(const cluster::SparseRows& x,
                                   const std::vector<std::int32_t>& columns);

}  // namespace ct::train
