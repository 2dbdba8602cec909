#pragma once
/// @file umap_negatives.hpp
/// The negative samples of the UMAP layout (umap_layout.hpp): umap-learn repels a cell from
/// cells drawn uniformly at random, one random memory access each. Here they are read as a
/// stream: every cell's position at the start of the epoch sits at a fixed random slot of two
/// arrays (x, y), and a block of the layout reads the slots in turn from a random start per
/// epoch. A cell's draws are thus cells at random slots, without repeats, read sequentially four
/// at a time (at 200,000 cells the positions outgrow the L2 cache; a random access cost more
/// than the arithmetic of its sample). Positions are those of the start of the epoch, as the
/// layout already reads every cell of another block.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "cluster/fast_pow.hpp"
#include "cluster/float4.hpp"
#include "cluster/random.hpp"

namespace ct::cluster {

struct Float2 {
    float x, y;
};

class NegativePool {
  public:
    /// Slots repeated after the end, so that any window read from a start below n is contiguous.
    static constexpr std::size_t kPad = 64;
    /// Samples read in one window (its last group of four may read three slots past it).
    static constexpr int kWindow = static_cast<int>(kPad) - 4;

    /// n cells (positions in the layout's processing order), slots shuffled by `seed`.
    NegativePool(std::size_t n, std::uint64_t seed) : n_(n), slot_(n), x_(n + kPad), y_(n + kPad) {
        for (std::size_t p = 0; p < n; ++p) slot_[p] = static_cast<std::int32_t>(p);
        Random rng(seed);
        rng.shuffle(slot_.begin(), slot_.end());
    }

    std::size_t size() const { return n_; }
    /// The slot of cell p.
    std::size_t slot(std::size_t p) const { return static_cast<std::size_t>(slot_[p]); }

    /// Stores cell p's position in its slot (and the slot's copies in the padding).
    void put(std::size_t p, float px, float py) {
        for (auto s = static_cast<std::size_t>(slot_[p]); s < n_ + kPad; s += n_)
            x_[s] = px, y_[s] = py;
    }

    /// The summed, clipped repulsions of `count` samples read from `cursor` (advanced, wrapping
    /// at n) on cell `self` at (cx, cy), umap's negative-sample gradient with the parameters a, b
    /// and gamma. Samples are independent of each other, so four are computed at once from the
    /// same position and applied together by the caller. The cell itself pushes nothing (umap
    /// skips it), nor does a cell at exactly the same position.
    Float2 repel(std::size_t self, float cx, float cy, int count, std::size_t& cursor, float a,
                 float b, float gamma) const {
        Float4 sx = {0, 0, 0, 0}, sy = {0, 0, 0, 0};
        const float scale = 2.0f * gamma * b;
        const Float4 tiny = {1e-30f, 1e-30f, 1e-30f, 1e-30f};
        auto kernel = [&](const float* wx, const float* wy, Float4& gx, Float4& gy) {
            Float4 ox, oy;
            std::memcpy(&ox, wx, 16);
            std::memcpy(&oy, wy, 16);
            const Float4 ex = cx - ox, ey = cy - oy;
            const Float4 e2 = ex * ex + ey * ey;
            // At distance 0 (ex = ey = 0) the push is 0 whatever the coefficient: no log of 0.
            const Float4 safe = e2 < tiny ? tiny : e2;
            const Float4 coeff = scale / ((0.001f + e2) * (a * fast_pow4(safe, b) + 1.0f));
            gx = clamp4(coeff * ex, -4.0f, 4.0f);
            gy = clamp4(coeff * ey, -4.0f, 4.0f);
        };
        const auto own = static_cast<std::size_t>(slot_[self]);
        while (count > 0) {
            const int c = std::min(count, kWindow);
            count -= c;
            const std::size_t start = cursor;
            cursor += static_cast<std::size_t>(c);
            while (cursor >= n_) cursor -= n_;  // more than once only when n < kWindow
            const float* wx = x_.data() + start;
            const float* wy = y_.data() + start;
            Float4 gx, gy;
            if (n_ >= kPad && !(own >= start && own < start + c) &&
                own + n_ >= start + static_cast<std::size_t>(c)) {  // the cell is not inside
                int s0 = 0;
                for (; s0 + 4 <= c; s0 += 4) {
                    kernel(wx + s0, wy + s0, gx, gy);
                    sx += gx, sy += gy;
                }
                if (s0 < c) {  // lanes past c push nothing
                    kernel(wx + s0, wy + s0, gx, gy);
                    const Int4 keep = kLane < c - s0;
                    sx += keep ? gx : Float4{0, 0, 0, 0};
                    sy += keep ? gy : Float4{0, 0, 0, 0};
                }
                continue;
            }
            for (int s0 = 0; s0 < c; s0 += 4) {  // also the cell's own slot pushes nothing
                kernel(wx + s0, wy + s0, gx, gy);
                Int4 keep;
                for (int l = 0; l < 4; ++l) {
                    std::size_t s = start + static_cast<std::size_t>(s0 + l);
                    while (s >= n_) s -= n_;
                    keep[l] = s0 + l < c && s != own ? -1 : 0;
                }
                sx += keep ? gx : Float4{0, 0, 0, 0};
                sy += keep ? gy : Float4{0, 0, 0, 0};
            }
        }
        return {(sx[0] + sx[1]) + (sx[2] + sx[3]), (sy[0] + sy[1]) + (sy[2] + sy[3])};
    }

  private:
    static constexpr Int4 kLane = {0, 1, 2, 3};
    std::size_t n_;
    std::vector<std::int32_t> slot_;  ///< per cell
    std::vector<float> x_, y_;        ///< per slot, n + kPad
};

}  // namespace ct::cluster
