#include "cluster/pca.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "cluster/random.hpp"
#include "parallel/parallel_for.hpp"

namespace ct::cluster {

namespace {

using Block = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatD = Eigen::MatrixXd;

/// y[0..b) += a * x[0..b); B > 0 fixes the width at compile time so the loop unrolls into
/// SIMD registers (the Krylov blocks use B = 16).
template <int B>
inline void axpy(float a, const float* x, float* y, std::size_t b) {
    if constexpr (B > 0) {
        for (int j = 0; j < B; ++j) y[j] += a * x[j];
    } else {
        for (std::size_t j = 0; j < b; ++j) y[j] += a * x[j];
    }
}

/// Columns [c0, c0 + width) of out (cells x ld) = Z w - shift for rows [lo, hi); the row's
/// accumulator stays in registers.
template <int B>
void multiply_rows(const SparseRows& z, const float* w, const float* shift, float* out,
                   std::size_t ld, std::size_t c0, std::size_t width, std::size_t lo,
                   std::size_t hi) {
    float acc[16];
    for (std::size_t i = lo; i < hi; ++i) {
        for (std::size_t j = 0; j < width; ++j) acc[j] = -shift[c0 + j];
        for (std::int64_t p = z.indptr[i]; p < z.indptr[i + 1]; ++p)
            axpy<B>(z.data[p], w + static_cast<std::size_t>(z.indices[p]) * ld + c0, acc, width);
        std::copy(acc, acc + width, out + i * ld + c0);
    }
}

/// acc (genes x l) += Z_rows^T (Z_rows w - shift) for rows [lo, hi), and tsum += the column sums
/// of (Z_rows w - shift): the Gram product in one pass, each row's nonzeros read once from
/// memory for both halves.
template <int B>
void gram_rows(const SparseRows& z, const float* w, const float* shift, float* acc, double* tsum,
               std::size_t l, std::size_t lo, std::size_t hi) {
    constexpr std::size_t kMax = 64;
    float t[kMax];
    for (std::size_t i = lo; i < hi; ++i) {
        for (std::size_t j = 0; j < l; ++j) t[j] = -shift[j];
        const std::int64_t p0 = z.indptr[i], p1 = z.indptr[i + 1];
        for (std::int64_t p = p0; p < p1; ++p)
            axpy<B>(z.data[p], w + static_cast<std::size_t>(z.indices[p]) * l, t, l);
        for (std::size_t j = 0; j < l; ++j) tsum[j] += t[j];
        for (std::int64_t p = p0; p < p1; ++p)
            axpy<B>(z.data[p], t, acc + static_cast<std::size_t>(z.indices[p]) * l, l);
    }
}

/// out (cells x l) = Yc * w (genes x l), 16 columns per pass over Z.
void multiply(const SparseRows& z, const std::vector<double>& zbar, const Block& w, Block& out,
              std::size_t threads) {
    const auto l = static_cast<std::size_t>(w.cols());
    out.resize(static_cast<Eigen::Index>(z.n_rows), w.cols());
    std::vector<float> shift(l, 0.0f);
    for (std::size_t g = 0; g < z.n_cols; ++g)
        for (std::size_t j = 0; j < l; ++j)
            shift[j] += static_cast<float>(zbar[g]) * w.data()[g * l + j];
    parallel::parallel_for(
        z.n_rows, threads,
        [&](std::size_t lo, std::size_t hi, std::size_t) {
            for (std::size_t c0 = 0; c0 < l; c0 += 16) {
                const std::size_t width = std::min<std::size_t>(16, l - c0);
                if (width == 16) {
                    multiply_rows<16>(z, w.data(), shift.data(), out.data(), l, c0, width, lo, hi);
                } else {
                    multiply_rows<0>(z, w.data(), shift.data(), out.data(), l, c0, width, lo, hi);
                }
            }
        },
        512);
}

/// Row chunks of the Gram product: a number fixed by the size of the data, not by the thread
/// count, so that partial sums add up in the same order (and to the same floats) with 1 or 2
/// threads.
std::size_t gram_chunks(std::size_t n_rows) {
    return std::min<std::size_t>(8, (n_rows + 255) / 256);
}

/// out (genes x l) = Yc^T Yc w with Yc = Z - 1 zbar^T, in one pass over Z.
void gram(const SparseRows& z, const std::vector<double>& zbar, const Block& w, Block& out,
          std::vector<Block>& partial, std::size_t threads) {
    const auto l = static_cast<std::size_t>(w.cols());
    const auto G = static_cast<Eigen::Index>(z.n_cols);
    std::vector<float> shift(l, 0.0f);
    for (std::size_t g = 0; g < z.n_cols; ++g)
        for (std::size_t j = 0; j < l; ++j)
            shift[j] += static_cast<float>(zbar[g]) * w.data()[g * l + j];
    const std::size_t C = gram_chunks(z.n_rows);
    partial.resize(C);
    std::vector<std::vector<double>> tsum(C, std::vector<double>(l, 0.0));
    parallel::parallel_for(C, threads, [&](std::size_t c0, std::size_t c1, std::size_t) {
        for (std::size_t c = c0; c < c1; ++c) {
            const std::size_t lo = c * z.n_rows / C, hi = (c + 1) * z.n_rows / C;
            partial[c].setZero(G, w.cols());
            if (l == 16) {
                gram_rows<16>(z, w.data(), shift.data(), partial[c].data(), tsum[c].data(), l, lo,
                              hi);
            } else {
                gram_rows<0>(z, w.data(), shift.data(), partial[c].data(), tsum[c].data(), l, lo,
                             hi);
            }
        }
    });
    std::vector<float> total(l, 0.0f);
    for (std::size_t j = 0; j < l; ++j) {
        double t = 0.0;
        for (std::size_t c = 0; c < C; ++c) t += tsum[c][j];
        total[j] = static_cast<float>(t);
    }
    out.resize(G, w.cols());
    parallel::parallel_for(
        z.n_cols, threads,
        [&](std::size_t g0, std::size_t g1, std::size_t) {
            for (std::size_t g = g0; g < g1; ++g) {
                const auto zg = static_cast<float>(zbar[g]);
                for (std::size_t j = 0; j < l; ++j) {
                    float v = partial[0].data()[g * l + j];
                    for (std::size_t c = 1; c < C; ++c) v += partial[c].data()[g * l + j];
                    out.data()[g * l + j] = v - zg * total[j];
                }
            }
        },
        256);
}

/// Orthonormalizes the columns of y against the orthonormal columns of basis (classical
/// Gram-Schmidt twice: "twice is enough") and then among themselves by a rank-revealing QR;
/// returns the number of columns kept (near-null ones are dropped, which happens when the
/// Krylov space is exhausted).
Eigen::Index extend_basis(const MatD& basis, Eigen::Index used, MatD& y) {
    for (int pass = 0; pass < 2 && used > 0; ++pass) {
        const auto b = basis.leftCols(used);
        y -= b * (b.transpose() * y);
    }
    const double scale = std::max(1e-300, y.colwise().norm().maxCoeff());
    Eigen::ColPivHouseholderQR<MatD> qr(y);
    qr.setThreshold(1e-10);
    const Eigen::Index rank =
        std::max<Eigen::Index>(0, std::min<Eigen::Index>(qr.rank(), y.cols()));
    if (scale <= 1e-300 || rank == 0) return 0;
    y = qr.householderQ() * MatD::Identity(y.rows(), rank);
    if (rank < y.cols() || used == 0) return rank;
    // One more projection keeps the new block orthogonal to the basis after the QR's rounding.
    const auto b = basis.leftCols(used);
    y -= b * (b.transpose() * y);
    return rank;
}

/// Rayleigh-Ritz matrix Q^T C Q of the Krylov basis. With full blocks (nothing dropped) C Q_j lies
/// in the span of blocks 0..j+1 and C is symmetric, so only the three central block diagonals are
/// nonzero (up to float rounding of the products): a tenth of the full product's work.
MatD rayleigh_ritz(const MatD& q, const MatD& cq, Eigen::Index block, bool full_blocks) {
    const Eigen::Index m = q.cols();
    if (!full_blocks) {
        MatD t = q.transpose() * cq;
        return 0.5 * (t + t.transpose());
    }
    MatD t = MatD::Zero(m, m);
    for (Eigen::Index j = 0; j < m; j += block) {
        const Eigen::Index w = std::min(block, m - j);
        const Eigen::Index lo = std::max<Eigen::Index>(0, j - block);
        const Eigen::Index hi = std::min(m, j + w + block);
        t.block(lo, j, hi - lo, w) = q.middleCols(lo, hi - lo).transpose() * cq.middleCols(j, w);
    }
    return 0.5 * (t + t.transpose());
}

}  // namespace

PcaResult pca_sparse(const ScaledMatrix& x, const PcaOptions& options) {
    const SparseRows& z = x.offsets;
    if (z.n_rows < 2 || z.n_cols < 2)
        throw std::invalid_argument("PCA needs at least 2 cells and 2 genes");
    const auto H = static_cast<Eigen::Index>(z.n_cols);
    const std::size_t k =
        std::max<std::size_t>(1, std::min(options.n_components, std::min(z.n_rows, z.n_cols) - 1));
    const auto b = static_cast<Eigen::Index>(
        std::max<std::size_t>(1, std::min({options.block_size, z.n_cols, std::size_t{64}})));
    const std::size_t threads = std::max<std::size_t>(1, options.n_threads);

    std::vector<double> zbar(z.n_cols, 0.0);
    for (std::size_t p = 0; p < z.nnz(); ++p) zbar[z.indices[p]] += z.data[p];
    for (double& v : zbar) v /= static_cast<double>(z.n_rows);

    // Gram operator C = Yc^T Yc applied to a gene-space block, through the sparse Z.
    Block tmp_genes;
    std::vector<Block> partial;
    auto apply_gram = [&](const MatD& v) {
        const Block vf = v.cast<float>();
        gram(z, zbar, vf, tmp_genes, partial, threads);
        return MatD(tmp_genes.cast<double>());
    };

    // Block Krylov space [Q0, C Q0, C^2 Q0, ...] in gene space (Musco & Musco 2015): its size
    // is genes x blocks*b whatever the number of cells, and Rayleigh-Ritz on it resolves the
    // flat tail of single-cell spectra that plain subspace iteration does not.
    const Eigen::Index max_dim =
        std::min<Eigen::Index>(H, b * static_cast<Eigen::Index>(options.n_iterations + 1));
    MatD basis(H, max_dim), c_basis(H, max_dim);
    Random rng(options.seed);
    MatD y(H, b);
    for (Eigen::Index i = 0; i < y.rows(); ++i)
        for (Eigen::Index j = 0; j < y.cols(); ++j)
            y(i, j) = (rng.bits() >> 63) ? 1.0 : -1.0;  // random signs: no libm, same everywhere
    Eigen::Index used = 0;
    bool full_blocks = true;
    while (used < max_dim) {
        if (y.cols() > max_dim - used) y = y.leftCols(max_dim - used).eval();
        const Eigen::Index added = extend_basis(basis, used, y);
        if (added == 0) break;
        full_blocks = full_blocks && added == b;
        basis.middleCols(used, added) = y.leftCols(added);
        const MatD cy = apply_gram(y.leftCols(added));
        c_basis.middleCols(used, added) = cy;
        used += added;
        y = cy;
    }
    const MatD q = basis.leftCols(used);
    const MatD t = rayleigh_ritz(q, c_basis.leftCols(used), b, full_blocks);
    Eigen::SelfAdjointEigenSolver<MatD> eig(t);  // ascending eigenvalues
    const std::size_t kk = std::min<std::size_t>(k, static_cast<std::size_t>(used));
    MatD v(H, static_cast<Eigen::Index>(kk));
    PcaResult out;
    out.n_rows = z.n_rows;
    out.n_components = kk;
    out.singular_values.resize(kk);
    for (std::size_t c = 0; c < kk; ++c) {
        const Eigen::Index src = used - 1 - static_cast<Eigen::Index>(c);
        out.singular_values[c] = std::sqrt(std::max(eig.eigenvalues()(src), 0.0));
        v.col(static_cast<Eigen::Index>(c)) = q * eig.eigenvectors().col(src);
    }
    Block scores;
    multiply(z, zbar, v.cast<float>(), scores, threads);  // PCs = Yc V
    out.scores.resize(z.n_rows * kk);
    for (std::size_t c = 0; c < kk; ++c) {
        // sklearn's svd_flip: the largest |score| of each component is positive.
        Eigen::Index arg = 0;
        scores.col(static_cast<Eigen::Index>(c)).cwiseAbs().maxCoeff(&arg);
        const float sign = scores(arg, static_cast<Eigen::Index>(c)) < 0 ? -1.0f : 1.0f;
        for (std::size_t i = 0; i < z.n_rows; ++i)
            out.scores[i * kk + c] =
                sign * scores(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c));
    }
    return out;
}

}  // namespace ct::cluster
