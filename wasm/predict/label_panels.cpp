#include "predict/label_panels.hpp"

#include <algorithm>
#include <cstring>

namespace ct::predict {

namespace {

// Two doubles: one wasm f64x2 (or SSE2 register natively). Multiply and add stay separate
// instructions (no FMA in wasm SIMD, none in the native x86-64-v2 build), as in the plain loop.
typedef double v2d __attribute__((vector_size(16)));

inline v2d load(const double* p) {
    v2d v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline void store(double* p, v2d v) { std::memcpy(p, &v, sizeof v); }

/// One panel (V vectors) and one slab for all rows: acc[r] (2V lanes per row) += its pairs.
template <int V>
void accumulate_panel(const double* panel, const SlabbedRows& rows, std::size_t slab, double* acc) {
    constexpr std::size_t width = 2 * V;
    const std::size_t stride = rows.n_slabs + 1;
    for (std::size_t r = 0; r < rows.n_rows; ++r) {
        const std::size_t begin = rows.starts[r * stride + slab], end = rows.starts[r * stride + slab + 1];
        if (begin == end) continue;
        double* a = acc + r * width;
        v2d sum[V];
        for (int v = 0; v < V; ++v) sum[v] = load(a + 2 * v);
        for (std::size_t k = begin; k < end; ++k) {
            const double* w = panel + static_cast<std::size_t>(rows.slots[k]) * width;
            const v2d d = {rows.deltas[k], rows.deltas[k]};
            for (int v = 0; v < V; ++v) sum[v] += d * load(w + 2 * v);
        }
        for (int v = 0; v < V; ++v) store(a + 2 * v, sum[v]);
    }
}

using PanelFn = void (*)(const double*, const SlabbedRows&, std::size_t, double*);

PanelFn panel_fn(std::size_t vectors) {
    switch (vectors) {
        case 1: return accumulate_panel<1>;
        case 2: return accumulate_panel<2>;
        case 3: return accumulate_panel<3>;
        case 4: return accumulate_panel<4>;
        case 5: return accumulate_panel<5>;
        case 6: return accumulate_panel<6>;
        case 7: return accumulate_panel<7>;
        default: return accumulate_panel<8>;
    }
}

}  // namespace

void SlabbedRows::reset(std::size_t slabs) {
    n_pairs_ = 0;
    starts.clear();
    n_rows = 0;
    n_slabs = std::max<std::size_t>(slabs, 1);
}

void SlabbedRows::reserve_more(std::size_t n) {
    if (slots.size() < n_pairs_ + n) {
        // Grow geometrically: rows arrive one by one.
        const std::size_t size = std::max(n_pairs_ + n, 2 * slots.size());
        slots.resize(size);
        deltas.resize(size);
    }
}

void SlabbedRows::end_row(std::size_t row_begin, unsigned slab_shift) {
    const std::size_t row_end = n_pairs_;
    bool ascending = true;
    for (std::size_t k = row_begin + 1; k < row_end && ascending; ++k) ascending = slots[k - 1] < slots[k];
    // starts[s] = first pair of slab s (or later); unsorted rows: everything in slab 0.
    std::size_t k = row_begin;
    for (std::size_t s = 0; s < n_slabs; ++s) {
        starts.push_back(k);
        if (!ascending) {
            k = row_end;
            continue;
        }
        while (k < row_end && (static_cast<std::size_t>(slots[k]) >> slab_shift) <= s) ++k;
    }
    starts.push_back(row_end);
    ++n_rows;
}

LabelPanels::LabelPanels(const double* weights, std::size_t n_slots, std::size_t n_labels)
    : n_labels_(n_labels), n_slabs_(std::max<std::size_t>(1, (n_slots + (1u << kSlabShift) - 1) >> kSlabShift)) {
    // As few panels as the width allows, of even sizes (98 labels: 7 x 14, not 6 x 16 + 2: a
    // 2-label panel would pay a whole pass over the pairs for one vector).
    const std::size_t n_panels = (n_labels + kWidth - 1) / kWidth;
    const std::size_t per = n_panels ? ((n_labels + n_panels - 1) / n_panels + 1) / 2 * 2 : 0;
    for (std::size_t first = 0; first < n_labels; first += per) {
        Panel p;
        p.first_label = first;
        p.labels = std::min(per, n_labels - first);
        p.width = (p.labels + 1) / 2 * 2;
        p.offset = values_.size();
        values_.resize(values_.size() + n_slots * p.width, 0.0);
        for (std::size_t s = 0; s < n_slots; ++s) {
            std::copy(weights + s * n_labels + first, weights + s * n_labels + first + p.labels,
                      values_.begin() + static_cast<std::ptrdiff_t>(p.offset + s * p.width));
        }
        panels_.push_back(p);
        padded_ += p.width;
    }
}

void LabelPanels::accumulate(const double* base, const SlabbedRows& rows, double* out,
                             std::size_t out_stride) const {
    // Accumulators panel after panel (rows x width each), starting from the base.
    std::vector<double> acc(rows.n_rows * padded_, 0.0);
    std::size_t at = 0;
    for (const Panel& p : panels_) {
        for (std::size_t r = 0; r < rows.n_rows; ++r)
            std::copy(base + p.first_label, base + p.first_label + p.labels, acc.begin() + static_cast<std::ptrdiff_t>(at + r * p.width));
        at += rows.n_rows * p.width;
    }
    for (std::size_t s = 0; s < rows.n_slabs; ++s) {
        at = 0;
        for (const Panel& p : panels_) {
            panel_fn(p.width / 2)(values_.data() + p.offset, rows, s, acc.data() + at);
            at += rows.n_rows * p.width;
        }
    }
    at = 0;
    for (const Panel& p : panels_) {
        for (std::size_t r = 0; r < rows.n_rows; ++r) {
            const double* a = acc.data() + at + r * p.width;
            std::copy(a, a + p.labels, out + r * out_stride + p.first_label);
        }
        at += rows.n_rows * p.width;
    }
}

}  // namespace ct::predict
