#include "export/py_float.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace ct::csv {
namespace {

std::string repr(double x) {
    char buf[py_float_max_chars + 1];
    char* end = format_py_float(x, buf);
    return std::string(buf, end);
}

TEST(PyFloat, MatchesPythonRepr) {
    // Expected texts are Python 3's repr() of the same doubles.
    const std::pair<double, const char*> cases[] = {
        {0.1, "0.1"},
        {123.0, "123.0"},
        {-2.5, "-2.5"},
        {100.0, "100.0"},
        {1e-05, "1e-05"},
        {0.0001, "0.0001"},
        {0.00009999999999999999, "9.999999999999999e-05"},
        {1.5e-07, "1.5e-07"},
        {1e16, "1e+16"},
        {1e15, "1000000000000000.0"},
        {9999999999999998.0, "9999999999999998.0"},
        {12345678901234567.0, "1.2345678901234568e+16"},
        {123456789012345.67, "123456789012345.67"},
        {0.99092780432749816, "0.9909278043274982"},
        {2.0 / 3.0, "0.6666666666666666"},
        {1e22, "1e+22"},
        {1e23, "1e+23"},
        {1e100, "1e+100"},
        {9223372036854775808.0, "9.223372036854776e+18"},
        {5e-324, "5e-324"},                                   // smallest subnormal
        {2.225073858507201e-308, "2.225073858507201e-308"},   // largest subnormal
        {2.2250738585072014e-308, "2.2250738585072014e-308"}, // smallest normal
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {-1.7976931348623157e308, "-1.7976931348623157e+308"},
        {4.9406564584124654e-322, "4.94e-322"},
        {0.30000000000000004, "0.30000000000000004"},
        {0.0, "0.0"},
        {-0.0, "-0.0"},
        {std::numeric_limits<double>::infinity(), "inf"},
        {-std::numeric_limits<double>::infinity(), "-inf"},
        {std::numeric_limits<double>::quiet_NaN(), "nan"},
        {-std::numeric_limits<double>::quiet_NaN(), "nan"},
    };
    for (const auto& [x, want] : cases) EXPECT_EQ(repr(x), want) << want;
}

TEST(PyFloat, LongestTextFitsTheBound) {
    EXPECT_EQ(repr(-2.2250738585072014e-308).size(), static_cast<std::size_t>(py_float_max_chars));
}

/** n-digit decimals near x: glibc's printf gives the closest exactly; a, b its neighbours. */
struct Near {
    std::string digits;
    int exponent;
};

Near closest(double x, int n) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*e", n - 1, x);
    std::string mantissa(buf, std::strchr(buf, 'e'));
    mantissa.erase(std::remove(mantissa.begin(), mantissa.end(), '.'), mantissa.end());
    return {mantissa, std::atoi(std::strchr(buf, 'e') + 1) - (n - 1)};
}

bool reads_back(std::uint64_t digits, int exponent, double x) {
    const std::string s = std::to_string(digits) + "e" + std::to_string(exponent);
    return std::strtod(s.c_str(), nullptr) == x;
}

/**
 * Python's repr is the shortest decimal that reads back to x, the closest one when there are
 * several. Checked independently with glibc's exact printf/strtod: no decimal one digit shorter
 * (printf's closest or its neighbours, the only ones that could be inside the rounding interval)
 * reads back; ours reads back, has no trailing zero, and is printf's closest at its length unless
 * that one falls outside the interval (asymmetric at powers of two), where it is a neighbour.
 */
void check_shortest_and_closest(double x) {
    const Decimal d = shortest_decimal(x);
    const int n = static_cast<int>(std::to_string(d.digits).size());
    ASSERT_FALSE(d.digits % 10 == 0 && n > 1) << "trailing zero for " << repr(x);
    const std::string text = repr(x);
    ASSERT_EQ(std::strtod(text.c_str(), nullptr), x) << text;
    const Near c = closest(x, n);
    const std::uint64_t cd = std::stoull(c.digits);
    if (reads_back(cd, c.exponent, x)) {
        ASSERT_EQ(c.digits, std::to_string(d.digits)) << text;
        ASSERT_EQ(c.exponent, d.exponent) << text;
    } else {
        ASSERT_TRUE((d.digits == cd + 1 || d.digits + 1 == cd) && d.exponent == c.exponent) << text;
    }
    if (n > 1) {
        const Near s = closest(x, n - 1);
        const std::uint64_t sd = std::stoull(s.digits);
        for (std::uint64_t v : {sd - 1, sd, sd + 1}) {
            ASSERT_FALSE(v > 0 && reads_back(v, s.exponent, x)) << "shorter " << v << "e" << s.exponent << " reads back, ours " << text;
        }
    }
}

TEST(PyFloat, RandomBitPatternsAreShortestAndClosest) {
    std::mt19937_64 rng(12);
    for (int i = 0; i < 1'000'000; ++i) {
        std::uint64_t bits = rng();
        double x;
        std::memcpy(&x, &bits, sizeof x);
        if (!std::isfinite(x) || x == 0) continue;
        check_shortest_and_closest(std::fabs(x));
    }
}

TEST(PyFloat, ProbabilityLikeValuesAndIntegers) {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0, 1);
    std::normal_distribution<double> z(0, 8);
    for (int i = 0; i < 250'000; ++i) {
        check_shortest_and_closest(u(rng));
        const double d = std::fabs(z(rng));
        if (d > 0) check_shortest_and_closest(d);
        check_shortest_and_closest(1.0 / (1.0 + std::exp(-z(rng))));
        check_shortest_and_closest(static_cast<double>(rng() >> (rng() % 64)) + 1);
    }
}

TEST(PyFloat, PowersAndNeighboursOfPowers) {
    // Powers of two (asymmetric interval), of ten, and subnormals: the edge cases of the search.
    for (int e = -1074; e <= 1023; ++e) {
        const double p = std::ldexp(1.0, e);
        for (double x : {p, std::nextafter(p, 0.0), std::nextafter(p, 1e308)}) {
            if (x > 0 && std::isfinite(x)) check_shortest_and_closest(x);
        }
    }
    for (int e = -323; e <= 308; ++e) {
        const double p = std::strtod(("1e" + std::to_string(e)).c_str(), nullptr);
        for (double x : {p, std::nextafter(p, 0.0), std::nextafter(p, 1e308)}) {
            if (x > 0 && std::isfinite(x)) check_shortest_and_closest(x);
        }
    }
    for (std::uint64_t m = 1; m < 100000; ++m) {
        double x;
        std::memcpy(&x, &m, sizeof x);
        check_shortest_and_closest(x);
    }
}

/**
 * Python's repr layout of libstdc++'s shortest round-trip digits (std::to_chars, Ryu-based,
 * closest with ties to even like Python): an independent reference fast enough for millions.
 */
std::string reference_repr(double x) {
    if (std::isnan(x)) return "nan";
    if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
    std::string sign = std::signbit(x) ? "-" : "";
    if (x == 0) return sign + "0.0";
    char buf[64];
    const auto res =
        std::to_chars(buf, buf + sizeof buf, std::fabs(x), std::chars_format::scientific);
    const std::string sci(buf, res.ptr);  // "d.ddde+XX"
    const std::size_t epos = sci.find('e');
    std::string digits = sci.substr(0, epos);
    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
    const int e = std::atoi(sci.c_str() + epos + 1);
    const int n = static_cast<int>(digits.size());
    if (e < -4 || e >= 16) {
        std::string exp = std::to_string(std::abs(e));
        if (exp.size() < 2) exp = "0" + exp;
        return sign + digits.substr(0, 1) + (n > 1 ? "." + digits.substr(1) : "") + "e" +
               (e < 0 ? "-" : "+") + exp;
    }
    if (e >= n - 1) return sign + digits + std::string(e - n + 1, '0') + ".0";
    if (e >= 0) return sign + digits.substr(0, e + 1) + "." + digits.substr(e + 1);
    return sign + "0." + std::string(-e - 1, '0') + digits;
}

double from_bits(std::uint64_t bits) {
    double x;
    std::memcpy(&x, &bits, sizeof x);
    return x;
}

/** Doubles of every kind the CSV tables and the edge cases of the search produce. */
std::vector<double> reference_sample() {
    std::vector<double> xs;
    std::mt19937_64 rng(2026);
    std::uniform_real_distribution<double> u(0, 1);
    std::normal_distribution<double> z(0, 8);
    for (int i = 0; i < 400'000; ++i) {
        xs.push_back(from_bits(rng()));                            // all magnitudes, NaN, inf
        xs.push_back(from_bits(rng() >> 12));                      // subnormals
        xs.push_back(u(rng));                                      // probabilities
        xs.push_back(1.0 / (1.0 + std::exp(-z(rng))));             // logistic of a decision
        xs.push_back(z(rng));                                      // decision values
        xs.push_back(static_cast<double>(rng() >> (rng() % 64)));  // integers, past 2^53 too
        xs.push_back(
            std::ldexp(static_cast<double>(rng() >> 11), static_cast<int>(rng() % 200) - 100));
        // Short decimals (trailing zeros in the interval, exact ties): k / 10^d and k * 10^d.
        const double k = static_cast<double>(rng() % 100000);
        const int d = static_cast<int>(rng() % 30);
        xs.push_back(k / std::pow(10.0, d));
        xs.push_back(k * std::pow(10.0, d));
    }
    for (int e = -1074; e <= 1023; ++e) {  // powers of two and their neighbours
        const double p = std::ldexp(1.0, e);
        xs.insert(xs.end(), {p, std::nextafter(p, 0.0), std::nextafter(p, 2 * p)});
    }
    for (std::uint64_t m = 0; m < 100'000; ++m) xs.push_back(from_bits(m));  // tiny subnormals
    // The layout switches (1e-4, 1e-5, 1e16) and 2^53, each with its 1000 neighbours either side.
    for (double b : {1e-4, 1e-5, 1e16, 9007199254740992.0, 1.0, 0.1}) {
        double lo = b, hi = b;
        for (int i = 0; i < 1000; ++i) {
            xs.insert(xs.end(), {lo, hi, -lo});
            lo = std::nextafter(lo, 0.0), hi = std::nextafter(hi, 1e308);
        }
    }
    return xs;
}

TEST(PyFloat, MatchesShortestToCharsOnMillionsOfDoubles) {
    const std::vector<double> xs = reference_sample();
    ASSERT_GT(xs.size(), 3'000'000u);
    int mismatches = 0;
    for (double x : xs) {
        const std::string want = reference_repr(x);
        if (repr(x) != want && ++mismatches <= 10)
            ADD_FAILURE() << "repr " << repr(x) << " want " << want;
    }
    EXPECT_EQ(mismatches, 0);
}

TEST(PyFloat, ExponentSwitchesAtMinus4And16) {
    EXPECT_EQ(repr(0.00012), "0.00012");
    EXPECT_EQ(repr(0.000012), "1.2e-05");
    EXPECT_EQ(repr(1234567890123456.0), "1234567890123456.0");
    EXPECT_EQ(repr(12345678901234560.0), "1.234567890123456e+16");
    EXPECT_EQ(repr(-0.000012), "-1.2e-05");
    EXPECT_EQ(repr(1.5e-100), "1.5e-100");
}

}  // namespace
}  // namespace ct::csv
