#pragma once
/// @file pickle_vm.hpp
/// A safe interpreter for the subset of the Python pickle protocol (2-5) that CellTypist
/// model files use. It never executes anything: globals are looked up in an allow-list and
/// turned into typed placeholder objects (numpy arrays, dtypes, sklearn estimator states).
/// Anything else is refused with an error naming the global.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ct::model::pickle {

/// Raised for malformed, truncated or disallowed pickles; the message is user-readable.
class PickleError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct Object;
using ObjectPtr = std::shared_ptr<Object>;

/// Python object kinds the VM materializes.
enum class Kind {
    None,
    Bool,
    Int,
    Float,
    Str,
    Bytes,
    List,
    Tuple,
    Dict,
    Set,
    Global,    ///< an allow-listed class/function reference (module + name)
    Instance,  ///< an allow-listed class instance (sklearn estimator, loss object)
    Dtype,     ///< numpy.dtype
    Array,     ///< numpy.ndarray
};

/// numpy dtype: kind char ('f', 'i', 'u', 'b', 'O', 'U', 'S'), item size, byte order.
struct Dtype {
    char kind = 'f';
    std::size_t itemsize = 8;
    char byteorder = '=';  ///< '<', '>', '|' or '=' (native)
};

/// numpy ndarray: shape, dtype and either raw bytes (numeric, U, S) or Python objects (O).
struct Array {
    std::vector<std::size_t> shape;
    Dtype dtype;
    bool fortran_order = false;
    std::string raw;                 ///< raw element bytes for non-object dtypes
    std::vector<ObjectPtr> objects;  ///< elements of object arrays

    std::size_t size() const;
};

/// A node of the decoded object tree.
struct Object {
    Kind kind = Kind::None;
    bool boolean = false;
    std::int64_t integer = 0;
    double real = 0;
    std::string text;                                      ///< Str (UTF-8) or Bytes
    std::vector<ObjectPtr> items;                          ///< List, Tuple, Set
    std::vector<std::pair<ObjectPtr, ObjectPtr>> entries;  ///< Dict, in insertion order
    std::string module, name;                              ///< Global and Instance: the class
    ObjectPtr state;               ///< Instance: the BUILD state (usually a Dict)
    std::shared_ptr<Dtype> dtype;  ///< Dtype
    std::shared_ptr<Array> array;  ///< Array

    /// Dict lookup by string key; nullptr when absent or not a dict.
    ObjectPtr get(const std::string& key) const;

    Object() = default;
    Object(const Object&) = delete;
    Object& operator=(const Object&) = delete;
    /// Releases children iteratively so that hostile, deeply nested input cannot overflow
    /// the stack on destruction.
    ~Object();
};

/// Limits that keep hostile input from exhausting memory or stack.
struct Limits {
    /// Maximum nesting of MARK frames / containers (real models use < 10).
    std::size_t max_depth = 1000;
    /// Maximum number of stack + memo entries (real models use ~10^4 per 1k features).
    std::size_t max_objects = 50'000'000;
};

/// Decodes a pickle into an object tree.
/// @throws PickleError for truncated/corrupt input or globals outside the allow-list.
ObjectPtr load(const std::uint8_t* data, std::size_t size, const Limits& limits = {});

/// True when `module.name` is allowed in a CellTypist model pickle.
bool is_allowed_global(const std::string& module, const std::string& name);

}  // namespace ct::model::pickle
