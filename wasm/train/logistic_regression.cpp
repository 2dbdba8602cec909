#include "train/logistic_regression.hpp"

#include <cmath>
#include <stdexcept>

#include "parallel/parallel_for.hpp"

namespace ct::train {

void decision_scores(const Design& d, const double* w, double b, std::vector<double>& out) {
    const auto& z = d.z;
    double base = b;
    for (std::size_t g = 0; g < z.n_cols; ++g) base += d.offset[g] * w[g];
    out.resize(z.n_rows);
    for (std::size_t i = 0; i < z.n_rows; ++i) {
        double s = base;
        for (std::int64_t p = z.indptr[i]; p < z.indptr[i + 1]; ++p)
            s += static_cast<double>(z.data[p]) * w[z.indices[p]];
        out[i] = s;
    }
}

namespace {

/// log(1 + exp(-t)), stable.
inline double log1pexp_neg(double t) {
    return t > 0 ? std::log1p(std::exp(-t)) : -t + std::log1p(std::exp(t));
}
/// 1 / (1 + exp(t)), stable.
inline double sigmoid_neg(double t) {
    if (t >= 0) {
        const double e = std::exp(-t);
        return e / (1.0 + e);
    }
    return 1.0 / (1.0 + std::exp(t));
}

}  // namespace

LinearFit empty_fit(const std::vector<std::int32_t>& y, std::size_t n_cells, std::size_t n_classes,
                    std::size_t n_features) {
    if (y.size() != n_cells) throw std::invalid_argument("one label per cell is needed");
    if (n_classes < 2) throw std::invalid_argument("training needs at least 2 cell types");
    LinearFit fit;
    fit.n_rows = n_classes == 2 ? 1 : n_classes;
    fit.coef.assign(fit.n_rows * n_features, 0.0);
    fit.intercept.assign(fit.n_rows, 0.0);
    fit.iterations.assign(fit.n_rows, 0);
    return fit;
}

LinearFit fit_logistic_ovr(const Design& d, const std::vector<std::int32_t>& y,
                           std::size_t n_classes, const LogisticOptions& options) {
    const auto& z = d.z;
    const std::size_t G = z.n_cols, N = z.n_rows;
    LinearFit fit = empty_fit(y, N, n_classes, G);
    const std::size_t rows = fit.n_rows;
    std::vector<char> converged(rows, 1);
    const double inv_c = 1.0 / options.C;
    parallel::parallel_for(
        rows, options.n_threads, [&](std::size_t lo, std::size_t hi, std::size_t) {
            std::vector<double> scores, r(N);
            for (std::size_t k = lo; k < hi; ++k) {
                const auto positive = static_cast<std::int32_t>(n_classes == 2 ? 1 : k);
                // Variables: G weights then the intercept.
                Objective objective = [&](const std::vector<double>& x, std::vector<double>& grad) {
                    decision_scores(d, x.data(), x[G], scores);
                    double loss = 0, rsum = 0;
                    for (std::size_t i = 0; i < N; ++i) {
                        const double yi = y[i] == positive ? 1.0 : -1.0;
                        const double t = yi * scores[i];
                        loss += log1pexp_neg(t);
                        r[i] = -yi * sigmoid_neg(t);  // d loss / d score
                        rsum += r[i];
                    }
                    grad.assign(G + 1, 0.0);
                    for (std::size_t i = 0; i < N; ++i) {
                        const double ri = r[i];
                        for (std::int64_t p = z.indptr[i]; p < z.indptr[i + 1]; ++p)
                            grad[z.indices[p]] += ri * z.data[p];
                    }
                    double reg = 0;
                    for (std::size_t g = 0; g < G; ++g) {
                        grad[g] += d.offset[g] * rsum + inv_c * x[g];
                        reg += x[g] * x[g];
                    }
                    grad[G] = rsum;
                    return loss + 0.5 * inv_c * reg;
                };
                std::vector<double> x(G + 1, 0.0);
                LbfgsOptions lo_opts;
                lo_opts.max_iter = options.max_iter;
                lo_opts.gtol = options.tol;
                const auto res = lbfgs_minimize(objective, x, lo_opts);
                std::copy(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(G),
                          fit.coef.begin() + static_cast<std::ptrdiff_t>(k * G));
                fit.intercept[k] = x[G];
                fit.iterations[k] = res.iterations;
                converged[k] = res.converged;
            }
        });
    for (const char c : converged) fit.converged = fit.converged && c;
    return fit;
}

}  // namespace ct::train
