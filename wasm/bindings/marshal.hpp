// Marshalling shared by the Embind bindings (wasm/bindings/*_bindings.cpp): C++ exceptions to
// JS Errors carrying the core's user-readable message, heap addresses to typed pointers, and
// string and float64 arrays across the boundary. No logic of the core here.
//
// Memory: big arrays cross the boundary as pointers into the wasm heap that the JS side
// allocated with _malloc and frees itself (see web/engine/wasm/heap.ts).
#pragma once

#include <emscripten/val.h>

#include <cstdint>
#include <exception>
#include <string>
#include <vector>

namespace ct::bindings {

using emscripten::val;

/// Throws `e` into JS as an Error with its message.
[[noreturn]] void throw_js(const std::exception& e);

/// Runs `f` and returns what it returns; a C++ exception becomes a JS Error with its message
/// (every binding that can fail goes through here: one error path).
template <typename F>
decltype(auto) js_errors(F&& f) {
    try {
        return f();
    } catch (const std::exception& e) {
        throw_js(e);
    }
}

/// A heap address from JS as a typed pointer.
template <typename T>
T* ptr(std::uintptr_t p) {
    return reinterpret_cast<T*>(p);
}

/// A JS array of strings as a vector (one joined copy, not element by element).
std::vector<std::string> strings_from(const val& array);

/// A vector of strings as a JS array (one joined copy, not element by element).
val strings_to(const std::vector<std::string>& v);

/// A vector of doubles as a new Float64Array.
val f64(const std::vector<double>& v);

}  // namespace ct::bindings
