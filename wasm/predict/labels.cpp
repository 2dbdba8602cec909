#include "predict/labels.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

namespace ct::predict {

std::vector<std::int32_t> best_match(const double* decision, std::size_t n_rows,
                                     std::size_t n_labels) {
    std::vector<std::int32_t> out(n_rows, 0);
    for (std::size_t r = 0; r < n_rows; ++r) {
        const double* d = decision + r * n_labels;
        // The running maximum in a register (d[c] > d[best] reloaded d[best] at every label).
        std::size_t best = 0;
        double top = d[0];
        for (std::size_t c = 1; c < n_labels; ++c) {
            if (d[c] > top) {
                top = d[c];
                best = c;
            }
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

std::vector<double> conf_score_of(const double* probability, std::size_t n_rows,
                                  const std::vector<std::string>& labels,
                                  const std::vector<std::string>& cell_labels) {
    if (cell_labels.size() != n_rows)
        throw std::invalid_argument("conf_score_of: one label per cell is needed");
    std::unordered_map<std::string, std::size_t> column;
    for (std::size_t c = 0; c < labels.size(); ++c) column.emplace(labels[c], c);
    std::vector<double> out = conf_score(probability, n_rows, labels.size());
    for (std::size_t r = 0; r < n_rows; ++r) {
        const auto it = column.find(cell_labels[r]);
        if (it != column.end()) out[r] = probability[r * labels.size() + it->second];
    }
    return out;
}

}  // namespace ct::predict
