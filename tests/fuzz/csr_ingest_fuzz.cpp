// libFuzzer target: CSR chunks as they arrive from files (any values, indices, row pointers)
// through normalization and scoring must either work or raise std::invalid_argument.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "predict/normalize.hpp"
#include "predict/predictor.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* in, std::size_t size) {
    if (size < 2) return 0;
    static const ct::model::Model model = [] {
        ct::model::Model m;
        m.labels = {"A", "B", "C"};
        m.features = {"g0", "g1", "g2", "g3"};
        m.coef = {1, -1, 0.5, 2, -2, 0, 1, 1, 0.1, 0.2, 0.3, 0.4};
        m.intercept = {0, 1, -1};
        m.scaler_mean = {0.5, 1, 0, 2};
        m.scaler_scale = {1, 0.5, 2, 1};
        return m;
    }();
    static const ct::predict::Predictor predictor(model, {"g2", "x", "g0", "g3", "g1"});
    const std::size_t n_rows = in[0] % 16;
    std::size_t p = 1;
    std::vector<std::int64_t> indptr{0};
    std::vector<std::int32_t> indices;
    std::vector<float> data;
    for (std::size_t r = 0; r < n_rows; ++r) {
        const std::size_t nnz = p < size ? in[p++] % 8 : 0;
        for (std::size_t k = 0; k < nnz && p + 5 <= size; ++k) {
            indices.push_back(static_cast<std::int8_t>(in[p]));  // may be negative or out of range
            float v;
            std::memcpy(&v, in + p + 1, 4);
            data.push_back(v);
            p += 5;
        }
        // Occasionally corrupt the row pointers (decreasing).
        const std::int64_t next =
            static_cast<std::int64_t>(data.size()) - ((p < size && in[p - 1] == 0xFF) ? 2 : 0);
        indptr.push_back(next < 0 ? 0 : next);
    }
    std::vector<double> dec(n_rows * 3), prob(n_rows * 3);
    try {
        ct::predict::normalize_log1p(data.data(), indptr.data(), n_rows);
    } catch (const std::invalid_argument&) {
    }
    try {
        predictor.score(data.data(), indices.data(), indptr.data(), n_rows, dec.data(),
                        prob.data());
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
