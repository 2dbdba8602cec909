// Shortest round-trip digits after Ulf Adams' Ryu (PLDI 2018), written from the paper's
// description: scale the bounds of the rounding interval of x by 10^-e10 with 125-bit powers of
// 5, then drop digits while the interval still holds a shorter decimal. The power tables are
// computed once with a small big-integer routine instead of being stored as literals.
#include "export/py_float.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <vector>

namespace ct::csv {
namespace {

using u128 = unsigned __int128;

// Bits kept of 5^i and of 2^k / 5^q (Ryu's bounds: exact floors for every double).
constexpr int pow5_bits_kept = 125;
constexpr int pow5_count = 326;      // 5^i for i < 326 (largest i = 1076 - 751)
constexpr int pow5_inv_count = 342;  // 2^k / 5^q for q < 342 (largest q = 291)

// ceil(log2(5^e)) (1 for e = 0), floor(log10(2^e)), floor(log10(5^e)) in integer arithmetic.
int pow5_bits(int e) { return static_cast<int>((static_cast<std::uint32_t>(e) * 1217359u) >> 19) + 1; }
int log10_pow2(int e) { return static_cast<int>((static_cast<std::uint32_t>(e) * 78913u) >> 18); }
int log10_pow5(int e) { return static_cast<int>((static_cast<std::uint32_t>(e) * 732923u) >> 20); }

/** Little-endian unsigned big integer, only what the tables need. */
struct Big {
    std::vector<std::uint32_t> w;

    void mul_small(std::uint32_t m) {
        std::uint64_t carry = 0;
        for (auto& x : w) {
            carry += static_cast<std::uint64_t>(x) * m;
            x = static_cast<std::uint32_t>(carry);
            carry >>= 32;
        }
        if (carry) w.push_back(static_cast<std::uint32_t>(carry));
    }
    int bit_length() const {
        for (int i = static_cast<int>(w.size()) - 1; i >= 0; --i) {
            if (w[i]) return 32 * i + 32 - __builtin_clz(w[i]);
        }
        return 0;
    }
    bool bit(int i) const {
        int word = i / 32;
        return word < static_cast<int>(w.size()) && ((w[word] >> (i % 32)) & 1u);
    }
    /** floor(this / 2^shift) truncated to 128 bits; a negative shift multiplies. */
    u128 bits_from(int shift) const {
        u128 out = 0;
        for (int b = 127; b >= 0; --b) {
            int src = b + shift;
            out <<= 1;
            if (src >= 0 && bit(src)) out |= 1;
        }
        return out;
    }
};

/** a vs b, both normalized to the same word count. */
int compare(const Big& a, const Big& b) {
    for (std::size_t i = a.w.size(); i-- > 0;) {
        if (a.w[i] != b.w[i]) return a.w[i] < b.w[i] ? -1 : 1;
    }
    return 0;
}

void subtract(Big& a, const Big& b) {  // a -= b (a >= b, same word count)
    std::uint64_t borrow = 0;
    for (std::size_t i = 0; i < a.w.size(); ++i) {
        const std::uint64_t v = static_cast<std::uint64_t>(a.w[i]) - b.w[i] - borrow;
        a.w[i] = static_cast<std::uint32_t>(v);
        borrow = (v >> 32) & 1;
    }
}

void shift_left_1(Big& a) {
    std::uint32_t carry = 0;
    for (auto& x : a.w) {
        const std::uint32_t next = x >> 31;
        x = (x << 1) | carry;
        carry = next;
    }
}

/**
 * floor(2^n / d) for a quotient below 2^128, by binary long division on 32-bit words. The
 * remainder starts at the dividend's top bits that are still below d, so only the quotient's
 * ~126 bits cost a step each (the tables build in a few milliseconds).
 */
u128 divide_power_of_two(int n, const Big& d) {
    const int k = d.bit_length() - 1;  // 2^k <= d < 2^(k+1)
    Big div = d, rem;
    div.w.resize(k / 32 + 2, 0);
    rem.w.assign(div.w.size(), 0);
    rem.w[k / 32] = 1u << (k % 32);  // the dividend's bits above position n - k
    u128 q = 0;
    for (int pos = n - k;; --pos) {
        q <<= 1;
        if (compare(rem, div) >= 0) {
            subtract(rem, div);
            q |= 1;
        }
        if (pos == 0) break;
        shift_left_1(rem);  // bring down the next (zero) bit of 2^n
    }
    return q;
}

/** 128 bits as two halves: the hot path multiplies them without unsigned __int128 (below). */
struct U128 {
    std::uint64_t lo, hi;
};

U128 halves(u128 v) { return {static_cast<std::uint64_t>(v), static_cast<std::uint64_t>(v >> 64)}; }

struct Tables {
    std::array<U128, pow5_count> pow5{};          // 5^i scaled to exactly 125 bits
    std::array<U128, pow5_inv_count> pow5_inv{};  // floor(2^(pow5_bits(q) - 1 + 125) / 5^q) + 1
};

Tables build_tables() {
    Tables t;
    Big p;
    p.w = {1};
    for (int i = 0; i < pow5_inv_count; ++i) {
        if (i < pow5_count) t.pow5[i] = halves(p.bits_from(p.bit_length() - pow5_bits_kept));
        t.pow5_inv[i] = halves(divide_power_of_two(pow5_bits(i) - 1 + pow5_bits_kept, p) + 1);
        p.mul_small(5);
    }
    return t;
}

const Tables& tables() {
    static const Tables t = build_tables();
    return t;
}

/**
 * a * b exactly from four 32x32->64 products: wasm32 has no widening 64-bit multiply, and a
 * u128 product there is a call to compiler-rt's __multi3 doing a full 128x128 multiply.
 */
U128 mul_64x64(std::uint64_t a, std::uint64_t b) {
    const std::uint64_t a0 = static_cast<std::uint32_t>(a), a1 = a >> 32;
    const std::uint64_t b0 = static_cast<std::uint32_t>(b), b1 = b >> 32;
    const std::uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const std::uint64_t mid =
        (p00 >> 32) + static_cast<std::uint32_t>(p01) + static_cast<std::uint32_t>(p10);
    const std::uint64_t hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    return {(mid << 32) | static_cast<std::uint32_t>(p00), hi};
}

/** A 192-bit product m * mul (m < 2^64, mul < 2^128), words low to high. */
struct U192 {
    std::uint64_t w0, w1, w2;
};

U192 mul_64x128(std::uint64_t m, U128 mul) {
    const U128 low = mul_64x64(m, mul.lo), high = mul_64x64(m, mul.hi);
    const std::uint64_t w1 = low.hi + high.lo;
    return {low.lo, w1, high.hi + (w1 < high.lo)};
}

/** p + k * mul for k in {1, 2} (k * mul < 2^127 here, so no carry out of the top word). */
U192 add_multiple(U192 p, U128 mul, int k) {
    const U128 a = k == 1 ? mul : U128{mul.lo << 1, (mul.hi << 1) | (mul.lo >> 63)};
    const std::uint64_t w0 = p.w0 + a.lo;
    const std::uint64_t c0 = w0 < a.lo;
    const std::uint64_t w1 = p.w1 + a.hi + c0;
    const std::uint64_t c1 = w1 < p.w1 || (c0 && w1 == p.w1);
    return {w0, w1, p.w2 + c1};
}

/** p - k * mul for k in {1, 2} (p >= k * mul). */
U192 sub_multiple(U192 p, U128 mul, int k) {
    const U128 a = k == 1 ? mul : U128{mul.lo << 1, (mul.hi << 1) | (mul.lo >> 63)};
    const std::uint64_t b0 = p.w0 < a.lo;
    const std::uint64_t w1 = p.w1 - a.hi - b0;
    const std::uint64_t b1 = p.w1 < a.hi || (b0 && p.w1 == a.hi);
    return {p.w0 - a.lo, w1, p.w2 - b1};
}

/** floor(p / 2^j) for 118 <= j <= 125 (every scale() call; the quotient fits in 64 bits). */
std::uint64_t shift_right(U192 p, int j) {
    const int s = j - 64;
    return (p.w1 >> s) | (p.w2 << (64 - s));
}

bool multiple_of_pow5(std::uint64_t v, int q) {
    for (int k = 0; k < q; ++k) {
        if (v % 5 != 0) return false;
        v /= 5;
    }
    return true;
}

bool multiple_of_pow2(std::uint64_t v, int q) {  // without branches; q & 63 keeps the shift defined
    return (q < 64) & ((v & ((std::uint64_t{1} << (q & 63)) - 1)) == 0);
}

/** The interval of x scaled to integers: vm <= vr <= vp, all times 10^e10. */
struct Scaled {
    std::uint64_t vr, vp, vm;
    int e10;
    bool vm_exact = false;  // vm is exactly the lower bound (trailing zeros so far)
    bool vr_exact = false;  // vr is exactly x * 10^-e10
};

/**
 * vr, vp, vm = floor(v * mul / 2^j) for v = mv, mv + 2, mv - 1 - mm_shift: one 192-bit product,
 * the other two by adding or subtracting multiples of mul (same floors, a third of the multiplies).
 */
void scale_bounds(std::uint64_t mv, U128 mul, int j, int mm_shift, Scaled& s) {
    const U192 r = mul_64x128(mv, mul);
    s.vr = shift_right(r, j);
    s.vp = shift_right(add_multiple(r, mul, 2), j);
    s.vm = shift_right(sub_multiple(r, mul, 1 + mm_shift), j);
}

Scaled scale(std::uint64_t m2, int e2, bool accept_bounds, int mm_shift) {
    const Tables& t = tables();
    const std::uint64_t mv = 4 * m2, mp = mv + 2, mm = mv - 1 - mm_shift;
    Scaled s{};
    if (e2 >= 0) {
        const int q = log10_pow2(e2) - (e2 > 3);
        const int j = -e2 + q + pow5_bits_kept + pow5_bits(q) - 1;
        s = {0, 0, 0, q};
        scale_bounds(mv, t.pow5_inv[q], j, mm_shift, s);
        // x * 10^-q = mv * 2^(e2 - q) / 5^q: exact iff 5^q divides it.
        s.vr_exact = multiple_of_pow5(mv, q);
        if (accept_bounds) s.vm_exact = multiple_of_pow5(mm, q);
        else s.vp -= multiple_of_pow5(mp, q);  // the upper bound is excluded
    } else {
        const int q = log10_pow5(-e2) - (-e2 > 1);
        const int i = -e2 - q;
        const int j = q - (pow5_bits(i) - pow5_bits_kept);
        s = {0, 0, 0, q + e2};
        scale_bounds(mv, t.pow5[i], j, mm_shift, s);
        // x * 10^-e10 = mv * 5^i / 2^q: exact iff 2^q divides it.
        // accept_bounds is a coin flip (the mantissa's parity): no branch to mispredict on it.
        s.vr_exact = multiple_of_pow2(mv, q);
        s.vm_exact = accept_bounds & multiple_of_pow2(mm, q);
        s.vp -= !accept_bounds & multiple_of_pow2(mp, q);
    }
    return s;
}

/** Drops digits while the interval holds a shorter decimal; rounds the last one as x is. */
Decimal shorten(Scaled s, bool accept_bounds) {
    int removed = 0;
    unsigned last = 0;
    if (!s.vm_exact && !s.vr_exact) {  // common case: no ties, lower bound excluded or inexact
        bool round_up = false;
        // Two digits per step while the interval allows it (same digits as one at a time, half
        // the steps), then at most one more.
        while (s.vp / 100 > s.vm / 100) {
            const std::uint64_t vr100 = s.vr / 100;
            round_up = s.vr - 100 * vr100 >= 50;
            s.vr = vr100, s.vp /= 100, s.vm /= 100, removed += 2;
        }
        if (s.vp / 10 > s.vm / 10) {
            const std::uint64_t vr10 = s.vr / 10;
            round_up = s.vr - 10 * vr10 >= 5;
            s.vr = vr10, s.vp /= 10, s.vm /= 10, ++removed;
        }
        return {s.vr + (s.vr == s.vm || round_up), s.e10 + removed};
    }
    while (s.vp / 10 > s.vm / 10) {
        s.vm_exact &= s.vm % 10 == 0;
        s.vr_exact &= last == 0;
        last = static_cast<unsigned>(s.vr % 10);
        s.vr /= 10, s.vp /= 10, s.vm /= 10, ++removed;
    }
    if (s.vm_exact) {  // the lower bound itself is a short decimal: keep shortening to it
        while (s.vm % 10 == 0) {
            s.vr_exact &= last == 0;
            last = static_cast<unsigned>(s.vr % 10);
            s.vr /= 10, s.vp /= 10, s.vm /= 10, ++removed;
        }
    }
    if (s.vr_exact && last == 5 && s.vr % 2 == 0) last = 4;  // exact tie: round half to even
    const bool up = (s.vr == s.vm && (!accept_bounds || !s.vm_exact)) || last >= 5;
    return {s.vr + up, s.e10 + removed};
}

constexpr char two_digits[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/** 10^i for i < 20. */
constexpr std::array<std::uint64_t, 20> powers_of_ten() {
    std::array<std::uint64_t, 20> p{};
    p[0] = 1;
    for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
    return p;
}
constexpr std::array<std::uint64_t, 20> pow10 = powers_of_ten();

/** Digits of v, counted down from 20 (shortest doubles mostly have 15 to 17). */
int decimal_length(std::uint64_t v) {
    int n = 20;
    while (n > 1 && v < pow10[n - 1]) --n;
    return n;
}

/**
 * The 8 ASCII digits of v < 10^8 as one little-endian word (first digit in the lowest byte): the
 * halves, quarters and single digits are split in parallel lanes by multiply-and-shift (x * 10486
 * >> 20 is x / 100 for x < 10^4, x * 103 >> 10 is x / 10 for x < 100), so no division per digit.
 */
std::uint64_t eight_digits(std::uint32_t v) {
    const std::uint32_t high = v / 10000;
    std::uint64_t w = high | (static_cast<std::uint64_t>(v - high * 10000) << 32);
    const std::uint64_t hundreds = ((w * 10486) >> 20) & 0x0000007F0000007Fu;
    w = hundreds | ((w - 100 * hundreds) << 16);
    const std::uint64_t tens = ((w * 103) >> 10) & 0x000F000F000F000Fu;
    w = tens | ((w - 10 * tens) << 8);
    return w | 0x3030303030303030u;
}

/** Writes the n digits of v ending at `end`: 8 at a time, then the leading ones in pairs. */
void write_digits(std::uint64_t v, int n, char* end) {
    for (; n > 8; n -= 8) {
        const std::uint64_t q = v / 100000000;
        const std::uint64_t word = eight_digits(static_cast<std::uint32_t>(v - q * 100000000));
        std::memcpy(end -= 8, &word, 8);
        v = q;
    }
    std::uint32_t r = static_cast<std::uint32_t>(v);
    for (; n >= 2; n -= 2, r /= 100) std::memcpy(end -= 2, two_digits + 2 * (r % 100), 2);
    if (n == 1) *--end = static_cast<char>('0' + r);
}

char* write_special(const char* text, char* out) {
    const std::size_t n = std::strlen(text);
    std::memcpy(out, text, n);
    return out + n;
}

/** digits * 10^exponent as Python prints it (n digits, scientific exponent e = exponent + n - 1). */
char* write_repr(const Decimal& d, char* out) {
    const int n = decimal_length(d.digits);
    const int e = d.exponent + n - 1;
    if (e < -4 || e >= 16) {
        write_digits(d.digits, n, out + 1 + n);  // leave a gap after the first digit for the point
        out[0] = out[1];
        if (n > 1) {
            out[1] = '.';
            out += n + 1;
        } else {
            out += 1;
        }
        *out++ = 'e';
        *out++ = e < 0 ? '-' : '+';
        const int a = e < 0 ? -e : e;
        if (a >= 100) {
            *out++ = static_cast<char>('0' + a / 100);
        }
        std::memcpy(out, two_digits + 2 * (a % 100), 2);
        return out + 2;
    }
    // Fixed-size copies and whole numbers below: variable memset/memmove are libc calls in wasm.
    if (d.exponent >= 0) {  // an integer below 10^16: its digits and ".0"
        write_digits(d.digits * pow10[d.exponent], e + 1, out + e + 1);
        std::memcpy(out + e + 1, ".0", 2);
        return out + e + 3;
    }
    if (e >= 0) {  // point inside the digits: the integer part, '.', the fraction
        const int fraction = n - e - 1;
        const std::uint64_t integer = d.digits / pow10[fraction];
        write_digits(d.digits - integer * pow10[fraction], fraction, out + n + 1);
        write_digits(integer, e + 1, out + e + 1);
        out[e + 1] = '.';
        return out + n + 1;
    }
    std::memcpy(out, "0.000", 5);  // 0.ddd to 0.000ddd (e >= -4)
    out += 1 - e;
    write_digits(d.digits, n, out + n);
    return out + n;
}

}  // namespace

Decimal shortest_decimal(double x) {
    std::uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    const std::uint64_t mantissa = bits & ((std::uint64_t{1} << 52) - 1);
    const int biased = static_cast<int>((bits >> 52) & 0x7ff);
    // x = m2 * 2^e2 / 4 ... written as mv = 4 * m2 with two extra bits for the interval's halves.
    const std::uint64_t m2 = biased == 0 ? mantissa : mantissa | (std::uint64_t{1} << 52);
    const int e2 = (biased == 0 ? 1 : biased) - 1023 - 52 - 2;
    // Round-half-even reading accepts the interval's bounds when the mantissa is even.
    const bool accept_bounds = (m2 & 1) == 0;
    // At a power of two (mantissa 0) the gap below is half the gap above.
    const int mm_shift = (mantissa != 0 || biased <= 1) ? 1 : 0;
    return shorten(scale(m2, e2, accept_bounds, mm_shift), accept_bounds);
}

char* format_py_float(double x, char* out) {
    if (x != x) return write_special("nan", out);
    // Branch-free sign: decision values are negative or not at random.
    *out = '-';
    out += std::signbit(x);
    x = std::fabs(x);
    if (x == 0) return write_special("0.0", out);
    if (x > 1.7976931348623157e308) return write_special("inf", out);
    return write_repr(shortest_decimal(x), out);
}

}  // namespace ct::csv
