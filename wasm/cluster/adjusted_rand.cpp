#include "cluster/adjusted_rand.hpp"

#include <map>
#include <stdexcept>
#include <utility>

namespace ct::cluster {

namespace {
double pairs(double n) { return n * (n - 1.0) / 2.0; }
}  // namespace

double adjusted_rand_index(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    if (a.size() != b.size()) throw std::invalid_argument("clusterings differ in length");
    std::map<std::pair<std::string, std::string>, double> joint;
    std::map<std::string, double> ra, rb;
    for (std::size_t i = 0; i < a.size(); ++i) {
        joint[{a[i], b[i]}] += 1;
        ra[a[i]] += 1;
        rb[b[i]] += 1;
    }
    double index = 0, sa = 0, sb = 0;
    for (const auto& [k, n] : joint) index += pairs(n);
    for (const auto& [k, n] : ra) sa += pairs(n);
    for (const auto& [k, n] : rb) sb += pairs(n);
    const double total = pairs(static_cast<double>(a.size()));
    if (total == 0) return 1.0;
    const double expected = sa * sb / total;
    const double max_index = (sa + sb) / 2.0;
    if (max_index == expected) return 1.0;  // both trivial (sklearn's convention)
    return (index - expected) / (max_index - expected);
}

}  // namespace ct::cluster
