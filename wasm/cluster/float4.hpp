#pragma once
/// @file float4.hpp
/// Four floats in one SIMD register through GCC/Clang vector extensions (SSE natively, SIMD128
/// in wasm), for kernels the compilers do not vectorize by themselves. Lane-wise IEEE
/// arithmetic: the same bits as the scalar operations, on both platforms. Lane-wise choices are
/// written `mask ? a : b` (both compilers accept it on these vectors).

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ct::cluster {

typedef float Float4 __attribute__((vector_size(16)));
typedef std::int32_t Int4 __attribute__((vector_size(16)));

/// Lane-wise clamp to [lo, hi] (f32x4.pmax/pmin in wasm).
inline Float4 clamp4(Float4 v, float lo, float hi) {
    const Float4 l = {lo, lo, lo, lo}, h = {hi, hi, hi, hi};
    v = v < l ? l : v;
    return h < v ? h : v;
}

/// Sum over d of term(a[d], b[d]) in a fixed order: eight partial sums (two 4-wide vectors,
/// lanes 0-3 and 4-7), the tail added to lane 0, then (0+4, 1+5, 2+6, 3+7) paired. The same float
/// natively and in wasm, whatever SIMD width a library reduction would use. `term` is generic:
/// called with Float4 pairs and with float pairs (the tail).
template <class Term>
inline float fixed_order_sum(const float* a, const float* b, std::size_t dim, const Term& term) {
    Float4 lo = {0, 0, 0, 0}, hi = {0, 0, 0, 0};
    const std::size_t full = dim - dim % 8;
    for (std::size_t d = 0; d < full; d += 8) {
        Float4 a0, a1, b0, b1;
        std::memcpy(&a0, a + d, 16), std::memcpy(&a1, a + d + 4, 16);
        std::memcpy(&b0, b + d, 16), std::memcpy(&b1, b + d + 4, 16);
        lo += term(a0, b0);
        hi += term(a1, b1);
    }
    for (std::size_t d = full; d < dim; ++d) lo[0] += term(a[d], b[d]);
    const Float4 s = lo + hi;
    return (s[0] + s[1]) + (s[2] + s[3]);
}

}  // namespace ct::cluster
