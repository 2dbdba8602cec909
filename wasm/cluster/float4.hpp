#pragma once
/// @file float4.hpp
/// Four floats in one SIMD register through GCC/Clang vector extensions (SSE natively, SIMD128
/// in wasm), for kernels the compilers do not vectorize by themselves. Lane-wise IEEE
/// arithmetic: the same bits as the scalar operations, on both platforms.

#include <cstdint>
#include <cstring>

namespace ct::cluster {

typedef float Float4 __attribute__((vector_size(16)));
typedef std::int32_t Int4 __attribute__((vector_size(16)));

/// Lane-wise select: mask lanes all ones take a, zero lanes take b.
inline Float4 select4(Int4 mask, Float4 a, Float4 b) {
    Int4 ia, ib;
    std::memcpy(&ia, &a, 16);
    std::memcpy(&ib, &b, 16);
    const Int4 r = (ia & mask) | (ib & ~mask);
    Float4 out;
    std::memcpy(&out, &r, 16);
    return out;
}

inline Float4 clamp4(Float4 v, float lo, float hi) {
    const Float4 l = {lo, lo, lo, lo}, h = {hi, hi, hi, hi};
    v = select4(v < l, l, v);
    return select4(v > h, h, v);
}

}  // namespace ct::cluster
