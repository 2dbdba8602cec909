#pragma once
/// @file fast_pow.hpp
/// x^y for x > 0 through fast log2/exp2 approximations (relative error below 0.4%, far below the
/// noise of the sampled, clipped gradients it serves), one value at a
/// time or four at once (GCC/Clang vector extensions: SSE natively, SIMD128 in wasm). The UMAP
/// layout is a stochastic optimization and powf dominated its run time. Both forms do the same
/// float operations in the same order, so they give the same bits, natively and in wasm.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace ct::cluster {

typedef float Float4 __attribute__((vector_size(16)));
typedef std::int32_t Int4 __attribute__((vector_size(16)));

namespace fast_pow_detail {
// log2(m) for m in [1, 2) and 2^f for f in [0, 1): cubic fits.
constexpr float kL3 = 0.15824870f, kL2 = -1.05187502f, kL1 = 3.04818010f, kL0 = -2.15564634f;
constexpr float kE3 = 0.07944154f, kE2 = 0.22741840f, kE1 = 0.69314718f;
}  // namespace fast_pow_detail

inline float fast_pow(float x, float y) {
    using namespace fast_pow_detail;
    std::uint32_t bits;
    std::memcpy(&bits, &x, 4);
    const float e = static_cast<float>(static_cast<std::int32_t>((bits >> 23) & 0xff) - 127);
    bits = (bits & 0x007fffffu) | 0x3f800000u;
    float m;
    std::memcpy(&m, &bits, 4);
    const float lg = e + (((kL3 * m + kL2) * m + kL1) * m + kL0);
    const float t = std::clamp(y * lg, -126.0f, 126.0f);
    const float fi = std::floor(t);
    const float f = t - fi;
    const float p = ((kE3 * f + kE2) * f + kE1) * f + 1.0f;
    const std::uint32_t ebits = static_cast<std::uint32_t>(static_cast<std::int32_t>(fi) + 127)
                                << 23;
    float scale;
    std::memcpy(&scale, &ebits, 4);
    return p * scale;
}

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

/// fast_pow on four values (all x > 0).
inline Float4 fast_pow4(Float4 x, float y) {
    using namespace fast_pow_detail;
    Int4 bits;
    std::memcpy(&bits, &x, 16);
    const Float4 e = __builtin_convertvector(((bits >> 23) & 0xff) - 127, Float4);
    const Int4 mbits = (bits & 0x007fffff) | 0x3f800000;
    Float4 m;
    std::memcpy(&m, &mbits, 16);
    const Float4 lg = e + (((kL3 * m + kL2) * m + kL1) * m + kL0);
    const Float4 t = clamp4(y * lg, -126.0f, 126.0f);
    // floor: truncate, then step down where truncation went up (negative non-integers).
    Float4 fi = __builtin_convertvector(__builtin_convertvector(t, Int4), Float4);
    fi = select4(fi > t, fi - 1.0f, fi);
    const Float4 f = t - fi;
    const Float4 p = ((kE3 * f + kE2) * f + kE1) * f + 1.0f;
    const Int4 ebits = (__builtin_convertvector(fi, Int4) + 127) << 23;
    Float4 scale;
    std::memcpy(&scale, &ebits, 16);
    return p * scale;
}

}  // namespace ct::cluster
