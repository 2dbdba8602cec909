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

template <int B>
void multiply_rows(const SparseRows& z, const float* w, const float* shift, float* out,
                   std::size_t l, std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) {
        float* row = out + i * l;
        for (std::size_t j = 0; j < l; ++j) row[j] = -shift[j];
        for (std::int64_t p = z.indptr[i]; p < z.indptr[i + 1]; ++p)
            axpy<B>(z.data[p], w + static_cast<std::size_t>(z.indices[p]) * l, row, l);
    }
}

template <int B>
void multiply_rows_transposed(const SparseRows& z, const float* q, float* acc, double* colsum,
                              std::size_t l, std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) {
        const float* qi = q + i * l;
        for (std::size_t j = 0; j < l; ++j) colsum[j] += qi[j];
        for (std::int64_t p = z.indptr[i]; p < z.indptr[i + 1]; ++p)
            axpy<B>(z.data[p], qi, acc + static_cast<std::size_t>(z.indices[p]) * l, l);
    }
}

/// out (cells x l) = Yc * w (genes x l).
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
            if (l == 16) {
                multiply_rows<16>(z, w.data(), shift.data(), out.data(), l, lo, hi);
            } else {
                multiply_rows<0>(z, w.data(), shift.data(), out.data(), l, lo, hi);
            }
        },
        512);
}

/// out (genes x l) = Yc^T * q (cells x l); per-thread partial sums, added in thread order.
void multiply_transposed(const SparseRows& z, const std::vector<double>& zbar, const Block& q,
                         Block& out, std::size_t threads) {
    const auto l = static_cast<std::size_t>(q.cols());
    const auto G = static_cast<Eigen::Index>(z.n_cols);
    const std::size_t T = std::max<std::size_t>(1, std::min(threads, (z.n_rows + 511) / 512));
    std::vector<Block> partial(T, Block::Zero(G, q.cols()));
    std::vector<std::vector<double>> colsum(T, std::vector<double>(l, 0.0));
    parallel::parallel_for(
        z.n_rows, T,
        [&](std::size_t lo, std::size_t hi, std::size_t t) {
            if (l == 16) {
                multiply_rows_transposed<16>(z, q.data(), partial[t].data(), colsum[t].data(), l,
                                             lo, hi);
            } else {
                multiply_rows_transposed<0>(z, q.data(), partial[t].data(), colsum[t].data(), l, lo,
                                            hi);
            }
        },
        512);
    out = partial[0];
    std::vector<double> total = colsum[0];
    for (std::size_t t = 1; t < T; ++t) {
        out += partial[t];
        for (std::size_t j = 0; j < l; ++j) total[j] += colsum[t][j];
    }
    for (Eigen::Index g = 0; g < G; ++g) {
        const auto zg = static_cast<float>(zbar[static_cast<std::size_t>(g)]);
        for (std::size_t j = 0; j < l; ++j)
            out(g, static_cast<Eigen::Index>(j)) -= zg * static_cast<float>(total[j]);
    }
}

/// Orthonormalizes the columns of y against the orthonormal columns of basis (twice, for
/// stability) and then among themselves; returns the number of columns kept (near-null ones are
/// dropped, which happens when the Krylov space is exhausted).
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
    MatD q = qr.householderQ() * MatD::Identity(y.rows(), rank);
    for (int pass = 0; pass < 2 && used > 0; ++pass) {
        const auto b = basis.leftCols(used);
        q -= b * (b.transpose() * q);
    }
    Eigen::HouseholderQR<MatD> again(q);
    y = again.householderQ() * MatD::Identity(q.rows(), rank);
    return rank;
}

}  // namespace

PcaResult pca_sparse(const ScaledMatrix& x, const PcaOptions& options) {
    const SparseRows& z = x.offsets;
    if (z.n_rows < 2 || z.n_cols < 2)
        throw std::invalid_argument("PCA needs at least 2 cells and 2 genes");
    const auto H = static_cast<Eigen::Index>(z.n_cols);
    const std::size_t k =
        std::max<std::size_t>(1, std::min(options.n_components, std::min(z.n_rows, z.n_cols) - 1));
    const auto b =
        static_cast<Eigen::Index>(std::max<std::size_t>(1, std::min(options.block_size, z.n_cols)));
    const std::size_t threads = std::max<std::size_t>(1, options.n_threads);

    std::vector<double> zbar(z.n_cols, 0.0);
    for (std::size_t p = 0; p < z.nnz(); ++p) zbar[z.indices[p]] += z.data[p];
    for (double& v : zbar) v /= static_cast<double>(z.n_rows);

    // Gram operator C = Yc^T Yc applied to a gene-space block, through the sparse Z.
    Block tmp_cells, tmp_genes;
    auto gram = [&](const MatD& v) {
        const Block vf = v.cast<float>();
        multiply(z, zbar, vf, tmp_cells, threads);
        multiply_transposed(z, zbar, tmp_cells, tmp_genes, threads);
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
        for (Eigen::Index j = 0; j < y.cols(); ++j) y(i, j) = rng.normal();
    Eigen::Index used = 0;
    while (used < max_dim) {
        if (y.cols() > max_dim - used) y = y.leftCols(max_dim - used).eval();
        const Eigen::Index added = extend_basis(basis, used, y);
        if (added == 0) break;
        basis.middleCols(used, added) = y.leftCols(added);
        const MatD cy = gram(y.leftCols(added));
        c_basis.middleCols(used, added) = cy;
        used += added;
        y = cy;
    }
    const MatD q = basis.leftCols(used);
    MatD t = q.transpose() * c_basis.leftCols(used);
    t = (0.5 * (t + t.transpose())).eval();
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
