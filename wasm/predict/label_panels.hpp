#pragma once
/// @file label_panels.hpp
/// The inner loop of sparse scoring: `out[r][c] = base[c] + sum_k delta_k * W[slot_k][c]` over a
/// row's nonzeros, for every label c. Two blockings make it fast without changing a bit:
/// - labels in panels of up to 16 (even sizes, 98 = 7 x 14), whose accumulators stay in SIMD
///   registers over a row's nonzeros;
/// - slots (genes) in slabs of 1,024, so that one panel's slab of weights (128 KB) stays in
///   the core's L2 cache while all rows of a block use it, instead of every nonzero fetching
///   its 98 weights from L3 or memory.
/// Each label still adds its terms one by one in nonzero order (slabs are visited in slot order
/// and a row's slots ascend; rows whose slots do not ascend keep all their pairs in the first
/// slab), so results are bit-identical to the plain loop.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ct::predict {

/// Rows as (slot, delta) pairs, grouped by slab: row r's pairs in slab s are
/// [starts[r * (n_slabs + 1) + s], starts[r * (n_slabs + 1) + s + 1]). The first size() pairs
/// of slots/deltas are the rows'; the buffers only grow, so that refilling them block after
/// block neither frees nor zero-fills memory.
struct SlabbedRows {
    std::vector<std::int32_t> slots;
    std::vector<double> deltas;
    std::vector<std::size_t> starts;
    std::size_t n_rows = 0;
    std::size_t n_slabs = 1;
    /// Scratch of the row being gathered (positions of its used nonzeros); not part of the rows.
    std::vector<std::int32_t> positions;

    /// Pairs of the rows.
    std::size_t size() const { return n_pairs_; }
    /// Empties the rows (keeps the memory) for slots split in `n_slabs` slabs.
    void reset(std::size_t slabs);
    /// Room for `n` more pairs: writable slots and deltas at size(); claim them with commit().
    void reserve_more(std::size_t n);
    std::int32_t* next_slots() { return slots.data() + n_pairs_; }
    double* next_deltas() { return deltas.data() + n_pairs_; }
    /// Makes the first `n` pairs written at next_slots()/next_deltas() part of the rows.
    void commit(std::size_t n) { n_pairs_ += n; }
    /// Appends one pair to the row being built.
    void add(std::int32_t slot, double delta) {
        reserve_more(1);
        *next_slots() = slot;
        *next_deltas() = delta;
        commit(1);
    }
    /// Closes the row whose pairs start at `row_begin` (the pairs since); slab_of(slot) = slot >> shift.
    void end_row(std::size_t row_begin, unsigned slab_shift);

  private:
    std::size_t n_pairs_ = 0;
};

/// A slot-major weight matrix (n_slots x n_labels) rearranged in label panels.
class LabelPanels {
  public:
    /// Most labels per panel: 16 doubles = 8 two-lane vectors, the most accumulators that stay
    /// in the 16 SIMD registers of x86-64 (where wasm engines run) next to the loaded weights.
    static constexpr std::size_t kWidth = 16;
    /// log2 of the slots per slab: 1,024 slots x 16 labels x 8 bytes = 128 KB of weights, in L2
    /// next to the slab's pairs (measured in wasm at 98 labels: 9.8 ns per nonzero, against 14.2
    /// for the plain loop; slabs of 2,048 were slower).
    static constexpr unsigned kSlabShift = 10;

    LabelPanels() = default;
    /// @param weights slot-major: weights[s * n_labels + c].
    LabelPanels(const double* weights, std::size_t n_slots, std::size_t n_labels);

    std::size_t n_labels() const { return n_labels_; }
    /// Slabs that SlabbedRows for these weights must use.
    std::size_t n_slabs() const { return n_slabs_; }

    /// Writes `out[r * out_stride + c] = base[c] + sum_k deltas[k] * W[slots[k]][c]` for the
    /// rows, each sum taken in pair order, for c < n_labels. Slots must be < n_slots (not
    /// checked) and rows.n_slabs == n_slabs().
    void accumulate(const double* base, const SlabbedRows& rows, double* out,
                    std::size_t out_stride) const;

  private:
    struct Panel {
        std::size_t first_label = 0;
        std::size_t labels = 0;  ///< labels used (<= width)
        std::size_t width = 0;   ///< lanes stored per slot: labels rounded up to even
        std::size_t offset = 0;  ///< start in values_
    };
    std::size_t n_labels_ = 0;
    std::size_t n_slabs_ = 1;
    std::size_t padded_ = 0;  ///< sum of the panels' widths
    std::vector<Panel> panels_;
    std::vector<double> values_;  ///< panel after panel, each n_slots x width (zero-padded)
};

}  // namespace ct::predict
