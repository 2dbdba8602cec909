// Python's repr(float) text of a double (what pandas writes in CellTypist's CSV tables):
// the shortest digits that read back to the same double (closest to it when several are that
// short, ties to even), positional when the decimal exponent is in [-4, 16), else scientific
// with a signed exponent of at least two digits ("1e-05", "1.5e+16"); "0.0", "-0.0", "inf",
// "-inf", "nan". Emscripten 3.1.6's libc++ has no std::to_chars(double), so the shortest
// digits come from our own Ryu-style search (exact 128-bit multiplications by powers of 5).
#pragma once

#include <cstdint>

namespace ct::csv {

/** A positive decimal `digits * 10^exponent`. */
struct Decimal {
    std::uint64_t digits = 0;
    int exponent = 0;
};

/** The shortest round-trip decimal of a finite `x > 0` (closest when several, ties to even). */
Decimal shortest_decimal(double x);

/** Longest text format_py_float writes: "-2.2250738585072014e-308". */
constexpr int py_float_max_chars = 24;

/** Writes repr(x) at `out` (room for py_float_max_chars) and returns the end; no terminator. */
char* format_py_float(double x, char* out);

}  // namespace ct::csv
