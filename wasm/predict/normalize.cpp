#include "predict/normalize.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace ct::predict {

void normalize_log1p(float* data, const std::int64_t* indptr, std::size_t n_rows,
                     const NormalizeOptions& options) {
    const std::int64_t base = n_rows ? indptr[0] : 0;
    for (std::size_t r = 0; r < n_rows; ++r) {
        float* row = data + (indptr[r] - base);
        const std::int64_t n = indptr[r + 1] - indptr[r];
        // scipy sums a float32 row sequentially in float32; scanpy then scales by
        // 1 / (counts / target_sum), all in float32.
        float total = 0.0f;
        for (std::int64_t k = 0; k < n; ++k) {
            if (!(row[k] >= 0.0f) || !std::isfinite(row[k])) {
                throw std::invalid_argument("raw counts must be finite and non-negative (cell " +
                                            std::to_string(options.first_row + r + 1) + " of the chunk has " +
                                            std::to_string(row[k]) + ")");
            }
            total += row[k];
        }
        if (total == 0.0f) total = 1.0f;
        const float scale = 1.0f / (total / options.target_sum);
        for (std::int64_t k = 0; k < n; ++k) row[k] = std::log1p(row[k] * scale);
    }
}

}  // namespace ct::predict
