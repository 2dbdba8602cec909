#include "predict/labels.hpp"

#include <algorithm>

namespace ct::predict {

std::vector<std::int32_t> best_match(const double* decision, std::size_t n_rows,
                                     std::size_t n_labels) {
    std::vector<std::int32_t> out(n_rows, 0);
    for (std::size_t r = 0; r < n_rows; ++r) {
        const double* d = decision + r * n_labels;
        std::size_t best = 0;
        for (std::size_t c = 1; c < n_labels; ++c) {
            if (d[c] > d[best]) best = c;
        }
        out[r] = static_cast<std::int32_t>(best);
    }
    return out;
}

std::vector<std::string> prob_match(const double* probability, std::size_t n_rows,
                                    const std::vector<std::string>& labels, double p_thres) {
    std::vector<std::string> out(n_rows);
    const std::size_t n = labels.size();
    for (std::size_t r = 0; r < n_rows; ++r) {
        const double* p = probability + r * n;
        std::string s;
        for (std::size_t c = 0; c < n; ++c) {
            if (p[c] > p_thres) {
                if (!s.empty()) s += '|';
                s += labels[c];
            }
        }
        out[r] = s.empty() ? std::string(kUnassigned) : std::move(s);
    }
    return out;
}

std::vector<double> conf_score(const double* probability, std::size_t n_rows,
                               std::size_t n_labels) {
    std::vector<double> out(n_rows, 0.0);
    for (std::size_t r = 0; r < n_rows; ++r) {
        if (n_labels)
            out[r] =
                *std::max_element(probability + r * n_labels, probability + (r + 1) * n_labels);
    }
    return out;
}

}  // namespace ct::predict
