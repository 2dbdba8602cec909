#pragma once
/// @file float4.hpp
/// Four floats in one SIMD register through GCC/Clang vector extensions (SSE natively, SIMD128
/// in wasm), for kernels the compilers do not vectorize by themselves. Lane-wise IEEE
/// arithmetic: the same bits as the scalar operations, on both platforms. Lane-wise choices are
/// written `mask ? a : b` (both compilers accept it on these vectors).

#include <cstdint>

namespace ct::cluster {

typedef float Float4 __attribute__((vector_size(16)));
typedef std::int32_t Int4 __attribute__((vector_size(16)));

/// Lane-wise clamp to [lo, hi] (f32x4.pmax/pmin in wasm).
inline Float4 clamp4(Float4 v, float lo, float hi) {
    const Float4 l = {lo, lo, lo, lo}, h = {hi, hi, hi, hi};
    v = v < l ? l : v;
    return h < v ? h : v;
}

}  // namespace ct::cluster
