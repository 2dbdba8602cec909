#include "predict/finite.hpp"

#include <cstdint>
#include <cstring>

namespace ct::predict {

std::size_t first_non_finite(const float* data, std::size_t n) {
    // A float is NaN or infinite exactly when its exponent bits are all ones. Blocks of 64 are
    // checked branch-free (vectorizable), then the offending block is searched value by value.
    constexpr std::uint32_t kExponent = 0x7f800000u;
    std::size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        std::uint32_t bits[64];
        std::memcpy(bits, data + i, sizeof bits);
        std::uint32_t bad = 0;
        for (int k = 0; k < 64; ++k) bad |= static_cast<std::uint32_t>((bits[k] & kExponent) == kExponent);
        if (bad) break;
    }
    for (; i < n; ++i) {
        std::uint32_t b;
        std::memcpy(&b, data + i, sizeof b);
        if ((b & kExponent) == kExponent) return i;
    }
    return n;
}

}  // namespace ct::predict
