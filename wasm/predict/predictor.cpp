#include "predict/predictor.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

namespace ct::predict {

namespace {
// CellTypist clips standardized values above this (upper only).
constexpr double kClip = 10.0;
// Pairs per row block of score(): ~3 MB of (slot, delta) in L3, ~150 KB per slab in L2. The
// more rows share a slab of weights, the fewer times the weights are fetched.
constexpr std::size_t kPairBudget = 1 << 18;

inline double expit(double d) { return 1.0 / (1.0 + std::exp(-d)); }

std::string with_commas(std::size_t n) {
    std::string s = std::to_string(n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
        s.insert(static_cast<std::size_t>(i), ",");
    return s;
}
}  // namespace

Predictor::Predictor(const model::Model& model, const std::vector<std::string>& query_genes,
                     const MatchOptions& options)
    : n_labels_(model.n_labels()),
      n_query_(query_genes.size()),
      n_rows_coef_(model.coef_rows()),
      binary_(model.is_binary()) {
    // First occurrence wins, as CellTypist's np.where(features == g)[0][0].
    std::unordered_map<std::string, std::size_t> feature_index;
    feature_index.reserve(model.n_features() * 2);
    for (std::size_t i = 0; i < model.n_features(); ++i)
        feature_index.emplace(model.features[i], i);

    slot_.assign(n_query_, -1);
    std::vector<std::size_t> model_col;
    for (std::size_t j = 0; j < n_query_; ++j) {
        auto it = feature_index.find(query_genes[j]);
        if (it == feature_index.end()) continue;
        slot_[j] = static_cast<std::int32_t>(model_col.size());
        model_col.push_back(it->second);
    }
    n_used_ = model_col.size();
    if (n_used_ < std::max<std::size_t>(options.min_features, 1)) {
        if (n_used_ == 0) {
            throw std::invalid_argument(
                "no gene of the data matches the model's " + with_commas(model.n_features()) +
                " genes: check that gene names are symbols of the model's species (e.g. CD3D for "
                "human), not Ensembl IDs, or choose the var column that holds gene symbols");
        }
        throw std::invalid_argument("only " + with_commas(n_used_) + " of the model's " +
                                    with_commas(model.n_features()) +
                                    " genes are found in the data, fewer than the " +
                                    with_commas(options.min_features) + " required");
    }

    mean_.resize(n_used_);
    zero_scaled_.resize(n_used_);
    scale_.resize(n_used_);
    std::vector<double> weights(n_used_ * n_rows_coef_);
    offset_.assign(model.intercept.begin(), model.intercept.end());
    for (std::size_t u = 0; u < n_used_; ++u) {
        const std::size_t m = model_col[u];
        mean_[u] = model.scaler_mean[m];
        scale_[u] = model.scaler_scale[m];
        zero_scaled_[u] = std::min((0.0 - mean_[u]) / scale_[u], kClip);
        for (std::size_t c = 0; c < n_rows_coef_; ++c) {
            const double w = model.coef[c * model.n_features() + m];
            weights[u * n_rows_coef_ + c] = w;
            offset_[c] += zero_scaled_[u] * w;
        }
    }
    weights_ = LabelPanels(weights.data(), n_used_, n_rows_coef_);
}

std::size_t Predictor::n_labels() const { return n_labels_; }
std::size_t Predictor::n_query_genes() const { return n_query_; }
std::size_t Predictor::n_features_used() const { return n_used_; }

void Predictor::gather_row(const float* data, const std::int32_t* indices, std::int64_t lo,
                           std::int64_t hi, SlabbedRows& out) const {
    if (hi < lo) throw std::invalid_argument("corrupt sparse matrix: row pointers decrease");
    // Written through raw pointers into room for every nonzero, then only the used ones are
    // claimed: these loops run once per nonzero, so per-element bookkeeping would cost as much
    // as the math.
    const std::size_t n = static_cast<std::size_t>(hi - lo);
    const std::size_t row_begin = out.size();
    out.reserve_more(n);
    if (out.positions.size() < n) out.positions.resize(n);
    std::int32_t* slots = out.next_slots();
    double* deltas = out.next_deltas();
    std::int32_t* positions = out.positions.data();
    const std::int32_t* columns = indices + lo;
    // Pass 1, without branches: about a third of a row's genes are model genes, in an order no
    // branch predictor learns. An out-of-range column reads slot 0 and is reported after.
    const std::int32_t* slot_of = slot_.data();
    const auto n_query = static_cast<std::uint32_t>(n_query_);
    std::uint32_t bad = 0;
    std::size_t m = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const auto j = static_cast<std::uint32_t>(columns[k]);
        const bool in_range = j < n_query;
        bad |= !in_range;
        const std::int32_t u = slot_of[in_range ? j : 0];
        slots[m] = u;
        positions[m] = static_cast<std::int32_t>(k);
        m += u >= 0;
    }
    if (bad) throw_bad_column(columns, n);
    // Pass 2: the used nonzeros' deltas from the value of a zero.
    const float* values = data + lo;
    for (std::size_t i = 0; i < m; ++i) {
        const std::int32_t u = slots[i];
        const double xs = std::min((static_cast<double>(values[positions[i]]) - mean_[u]) / scale_[u], kClip);
        deltas[i] = xs - zero_scaled_[u];
    }
    out.commit(m);
    out.end_row(row_begin, LabelPanels::kSlabShift);
}

void Predictor::throw_bad_column(const std::int32_t* columns, std::size_t n) const {
    for (std::size_t k = 0; k < n; ++k) {
        const std::int32_t j = columns[k];
        if (j < 0 || static_cast<std::size_t>(j) >= n_query_) {
            throw std::invalid_argument("corrupt sparse matrix: column index " + std::to_string(j) +
                                        " out of range [0, " + std::to_string(n_query_) + ")");
        }
    }
    throw std::logic_error("corrupt sparse matrix: a column index is out of range");
}

void Predictor::score(const float* data, const std::int32_t* indices, const std::int64_t* indptr,
                      std::size_t n_rows, double* decision, double* probability) const {
    const std::size_t R = n_rows_coef_;
    const std::int64_t base = n_rows ? indptr[0] : 0;
    SlabbedRows rows;
    std::vector<double> acc;
    for (std::size_t first = 0, end = 0; first < n_rows; first = end) {
        // Rows in blocks of ~kPairBudget pairs: each slab of weights is used by all of them.
        rows.reset(weights_.n_slabs());
        for (end = first; end < n_rows && (end == first || rows.size() < kPairBudget); ++end)
            gather_row(data, indices, indptr[end] - base, indptr[end + 1] - base, rows);
        const std::size_t count = end - first;
        double* sums = decision && !binary_ ? decision + first * n_labels_ : nullptr;
        if (!sums) {
            acc.resize(count * R);
            sums = acc.data();
        }
        weights_.accumulate(offset_.data(), rows, sums, R);
        for (std::size_t r = 0; r < count; ++r)
            finish_row(sums + r * R, decision ? decision + (first + r) * n_labels_ : nullptr,
                       probability ? probability + (first + r) * n_labels_ : nullptr);
    }
}

void Predictor::finish_row(const double* sums, double* d, double* p) const {
    if (binary_) {
        // sklearn's binary decision_function is one score s; CellTypist stacks [-s, s].
        if (d) {
            d[0] = -sums[0];
            d[1] = sums[0];
        }
        if (p) {
            p[0] = expit(-sums[0]);
            p[1] = expit(sums[0]);
        }
        return;
    }
    // sums may be d itself (scores written in place).
    for (std::size_t c = 0; c < n_labels_; ++c) {
        if (d) d[c] = sums[c];
        if (p) p[c] = expit(sums[c]);
    }
}

}  // namespace ct::predict
