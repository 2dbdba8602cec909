#pragma once
/// @file finite.hpp
/// The NaN/Inf check of expression values that CellTypist's input validation implies (scanpy
/// and sklearn refuse them): done in the core, on the chunk already in the heap.

#include <cstddef>

namespace ct::predict {

/// Index of the first NaN or infinite value of data[0, n), or n when all are finite.
std::size_t first_non_finite(const float* data, std::size_t n);

}  // namespace ct::predict
