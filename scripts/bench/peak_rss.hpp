#pragma once
/// @file peak_rss.hpp
/// Peak resident memory of this process (Linux VmHWM), for the benchmarks.

#include <fstream>
#include <string>

inline double peak_rss_mb() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    }
    return 0;
}
