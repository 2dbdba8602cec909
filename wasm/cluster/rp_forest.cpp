#include "cluster/rp_forest.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "cluster/float4.hpp"
#include "cluster/random.hpp"
#include "parallel/parallel_for.hpp"

namespace ct::cluster {

float dot_product(const float* a, const float* b, std::size_t dim) {
    // In squared_distance's fixed order: the same float natively and in wasm.
    return fixed_order_sum(a, b, dim, [](auto x, auto y) { return x * y; });
}

namespace {

/// Splits cells[lo, hi) in place (left part first, order kept within each part) by the
/// hyperplane between two random cells; returns the first position of the right part, strictly
/// inside the range.
std::size_t split_node(const PointsView& pts, std::vector<std::int32_t>& cells, std::size_t lo,
                       std::size_t hi, Random& rng, std::vector<float>& normal,
                       std::vector<float>& mid, std::vector<std::int32_t>& right) {
    const std::size_t size = hi - lo;
    const std::size_t a = rng.below(size);
    std::size_t b = rng.below(size - 1);
    if (b >= a) ++b;
    const float* pa = pts.row(static_cast<std::size_t>(cells[lo + a]));
    const float* pb = pts.row(static_cast<std::size_t>(cells[lo + b]));
    for (std::size_t d = 0; d < pts.dim; ++d) {
        normal[d] = pa[d] - pb[d];
        mid[d] = (pa[d] + pb[d]) * 0.5f;
    }
    const float offset = -dot_product(normal.data(), mid.data(), pts.dim);
    right.clear();
    std::size_t left_end = lo;
    for (std::size_t p = lo; p < hi; ++p) {
        const std::int32_t c = cells[p];
        const float margin =
            offset + dot_product(normal.data(), pts.row(static_cast<std::size_t>(c)), pts.dim);
        // Cells on the hyperplane (duplicates of the midpoint) go to a random side.
        const bool left = margin > 0.0f || (margin == 0.0f && (rng.bits() & 1));
        if (left) {
            cells[left_end++] = c;
        } else {
            right.push_back(c);
        }
    }
    std::copy(right.begin(), right.end(), cells.begin() + static_cast<std::ptrdiff_t>(left_end));
    if (left_end == lo || left_end == hi) {  // degenerate (all cells alike): random halves
        rng.shuffle(cells.begin() + static_cast<std::ptrdiff_t>(lo),
                    cells.begin() + static_cast<std::ptrdiff_t>(hi));
        left_end = lo + size / 2;
    }
    return left_end;
}

}  // namespace

RpLeaves rp_tree_leaves(const PointsView& pts, std::size_t leaf_size, std::uint64_t seed) {
    if (leaf_size < 2) throw std::invalid_argument("random-projection leaves need 2 cells or more");
    Random rng(seed);
    RpLeaves out;
    out.cells.resize(pts.n);
    for (std::size_t i = 0; i < pts.n; ++i) out.cells[i] = static_cast<std::int32_t>(i);
    std::vector<float> normal(pts.dim), mid(pts.dim);
    std::vector<std::int32_t> right;
    // Depth first, left before right: leaves are found in the order they lie in `cells`.
    std::vector<std::pair<std::size_t, std::size_t>> stack{{0, pts.n}};
    while (!stack.empty()) {
        const auto [lo, hi] = stack.back();
        stack.pop_back();
        if (hi - lo <= leaf_size) {
            if (hi > lo) out.leaf_start.push_back(static_cast<std::int64_t>(hi));
            continue;
        }
        const std::size_t cut = split_node(pts, out.cells, lo, hi, rng, normal, mid, right);
        stack.emplace_back(cut, hi);
        stack.emplace_back(lo, cut);
    }
    return out;
}

std::vector<RpLeaves> rp_forest(const PointsView& points, const std::vector<std::uint64_t>& seeds,
                                std::size_t leaf_size, std::size_t n_threads) {
    std::vector<RpLeaves> trees(seeds.size());
    parallel::parallel_for(seeds.size(), n_threads,
                           [&](std::size_t lo, std::size_t hi, std::size_t) {
                               for (std::size_t t = lo; t < hi; ++t)
                                   trees[t] = rp_tree_leaves(points, leaf_size, seeds[t]);
                           });
    return trees;
}

}  // namespace ct::cluster
