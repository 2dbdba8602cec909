#pragma once
/// @file pickle_reader.hpp
/// Loads a CellTypist model `.pkl` (a pickled dict with `Model`, `Scaler_`, `description`)
/// into a typed model::Model through the safe pickle VM: nothing in the file is executed.

#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "model/model.hpp"

namespace ct::model {

/// Raised when a file is not a usable CellTypist model; the message says what to do.
class ModelError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Parses and validates a CellTypist model file held in memory.
/// Accepts the pickles written by CellTypist >= 1.0 with any scikit-learn/numpy version
/// (numpy.core or numpy._core paths, framed or unframed protocol 2-5, object or unicode
/// label arrays, C or Fortran order, either byte order).
/// @throws ModelError with a user-readable message (truncated, corrupt, refused global,
///         legacy 2020 format, inconsistent shapes, non-finite coefficients).
Model read_model(const std::uint8_t* data, std::size_t size);

}  // namespace ct::model
