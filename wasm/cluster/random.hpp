#pragma once
/// @file random.hpp
/// Seeded randomness that is the same on every platform: std::mt19937_64's output sequence is
/// fixed by the standard, but std:: distributions and std::shuffle are not (libstdc++ natively
/// and libc++ in the wasm build differ), so clusterings would change between the native tests
/// and the browser. These draw directly from the engine's bits.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <utility>

namespace ct::cluster {

class Random {
  public:
    explicit Random(std::uint64_t seed) : engine_(seed) {}

    std::uint64_t bits() { return engine_(); }
    /// Uniform in [0, 1), 53 random bits.
    double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
    /// Uniform integer in [0, n), n > 0 (bias below 2^-40 for n < 2^24: irrelevant here).
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(uniform() * static_cast<double>(n)); }
    /// Standard normal (Box-Muller).
    double normal() {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        double u = 0.0;
        while (u <= 0.0) u = uniform();
        const double v = uniform();
        const double r = std::sqrt(-2.0 * std::log(u));
        spare_ = r * std::sin(6.283185307179586 * v);
        has_spare_ = true;
        return r * std::cos(6.283185307179586 * v);
    }
    /// Fisher-Yates shuffle.
    template <class It>
    void shuffle(It first, It last) {
        const auto n = static_cast<std::size_t>(last - first);
        for (std::size_t i = n; i > 1; --i) std::swap(first[i - 1], first[below(i)]);
    }

  private:
    std::mt19937_64 engine_;
    double spare_ = 0.0;
    bool has_spare_ = false;
};

}  // namespace ct::cluster
