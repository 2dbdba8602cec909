// Definitions of marshal.hpp: what every binding uses to cross the JS boundary.
#include "bindings/marshal.hpp"

#include <emscripten/bind.h>

namespace ct::bindings {

[[noreturn]] void throw_js(const std::exception& e) {
    val::global("Error").new_(std::string(e.what())).throw_();
    __builtin_unreachable();
}

// String arrays cross the boundary in one piece, joined on a separator that no name holds:
// element by element costs ~5 us a string (0.1 s for a 20k-gene list each way). Names that hold
// the separator themselves take the element-by-element path.
namespace {
constexpr char kSeparator = '\x1f';  // ASCII unit separator
}  // namespace

std::vector<std::string> strings_from(const val& array) {
    const auto n = array["length"].as<std::size_t>();
    if (n == 0) return {};
    // UTF-8 by the engine's TextEncoder and one copy into the heap: Embind's own std::string
    // conversion writes the heap byte by byte from JS (slow with shared, growable memory).
    const val bytes = val::global("TextEncoder").new_().call<val>("encode", array.call<val>("join", std::string(1, kSeparator)));
    std::string joined(bytes["length"].as<std::size_t>(), '\0');
    val(emscripten::typed_memory_view(joined.size(), reinterpret_cast<unsigned char*>(joined.data()))).call<void>("set", bytes);
    std::vector<std::string> out;
    out.reserve(n);
    for (std::size_t start = 0;;) {
        const std::size_t end = joined.find(kSeparator, start);
        out.emplace_back(joined, start, end == std::string::npos ? std::string::npos : end - start);
        if (end == std::string::npos) break;
        start = end + 1;
    }
    if (out.size() == n) return out;
    return emscripten::vecFromJSArray<std::string>(array);  // a name holds the separator
}

val strings_to(const std::vector<std::string>& v) {
    std::size_t bytes = 0;
    bool plain = true;
    for (const std::string& s : v) {
        bytes += s.size() + 1;
        plain = plain && s.find(kSeparator) == std::string::npos;
    }
    if (v.empty() || !plain) {
        val out = val::array();
        for (std::size_t i = 0; i < v.size(); ++i) out.set(i, v[i]);
        return out;
    }
    std::string joined;
    joined.reserve(bytes);
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i > 0) joined += kSeparator;
        joined += v[i];
    }
    // Decoded by the engine's TextDecoder from a copy (it refuses shared memory), not by Embind's
    // byte-by-byte std::string conversion.
    const val copy = val::global("Uint8Array").new_(val(emscripten::typed_memory_view(joined.size(), reinterpret_cast<const unsigned char*>(joined.data()))));
    return val::global("TextDecoder").new_().call<val>("decode", copy).call<val>("split", std::string(1, kSeparator));
}

val f64(const std::vector<double>& v) {
    val out = val::global("Float64Array").new_(v.size());
    out.call<void>("set", val(emscripten::typed_memory_view(v.size(), v.data())));
    return out;
}

}  // namespace ct::bindings
