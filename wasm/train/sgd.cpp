#include "train/sgd.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "cluster/random.hpp"
#include "parallel/parallel_for.hpp"

namespace ct::train {

namespace {

/// sklearn's Log loss: loss(p, y) = log(1 + exp(-y p)), dloss = -y / (exp(y p) + 1).
inline double log_loss(double p, double y) {
    const double z = p * y;
    if (z > 18) return std::exp(-z);
    if (z < -18) return -z;
    return std::log1p(std::exp(-z));
}
inline double log_dloss(double p, double y) {
    const double z = p * y;
    if (z > 18) return std::exp(-z) * -y;
    if (z < -18) return -y;
    return -y / (std::exp(z) + 1.0);
}

/// The cells each epoch visits, in order.
std::vector<std::vector<std::size_t>> epoch_plan(std::size_t n, const std::vector<std::int32_t>& y,
                                                 const SgdOptions& o, cluster::Random& rng) {
    std::vector<std::vector<std::size_t>> batches;
    if (!o.mini_batch) {
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), 0);
        rng.shuffle(order.begin(), order.end());
        batches.push_back(std::move(order));
        return batches;
    }
    const std::size_t take = std::min(o.batch_number * o.batch_size, n);
    std::vector<std::size_t> chosen;
    if (!o.balance_cell_type) {
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), 0);
        rng.shuffle(order.begin(), order.end());
        chosen.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(take));
    } else {
        // Weighted sampling without replacement (Efraimidis-Spirakis): weight 1 / count(type).
        std::vector<double> count(
            static_cast<std::size_t>(*std::max_element(y.begin(), y.end())) + 1, 0.0);
        for (const auto c : y) ++count[static_cast<std::size_t>(c)];
        std::vector<std::pair<double, std::size_t>> keys(n);
        for (std::size_t i = 0; i < n; ++i) {
            double u = 0;
            while (u <= 0) u = rng.uniform();
            keys[i] = {std::log(u) * count[static_cast<std::size_t>(y[i])],
                       i};  // log(u^(1/w)) = log(u) / w
        }
        std::partial_sort(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(take),
                          keys.end(),
                          [](const auto& a, const auto& b) { return a.first > b.first; });
        for (std::size_t i = 0; i < take; ++i) chosen.push_back(keys[i].second);
    }
    for (std::size_t s = 0; s < chosen.size(); s += o.batch_size)
        batches.emplace_back(chosen.begin() + static_cast<std::ptrdiff_t>(s),
                             chosen.begin() + static_cast<std::ptrdiff_t>(
                                                  std::min(chosen.size(), s + o.batch_size)));
    return batches;
}

}  // namespace

LinearFit fit_sgd_ovr(const Design& d, const std::vector<std::int32_t>& y, std::size_t n_classes,
                      const SgdOptions& o) {
    const auto& z = d.z;
    const std::size_t G = z.n_cols, N = z.n_rows;
    if (o.mini_batch && N <= o.batch_size) {
        throw std::invalid_argument("the number of cells (" + std::to_string(N) +
                                    ") is not larger than the batch size (" +
                                    std::to_string(o.batch_size) +
                                    "): decrease the batch size, or train without mini-batches");
    }
    LinearFit fit = empty_fit(y, N, n_classes, G);
    const std::size_t rows = fit.n_rows;
    // Per-row constants: c . Z_i, and c . c.
    std::vector<double> cz(N, 0.0);
    double cc = 0;
    for (std::size_t g = 0; g < G; ++g) cc += d.offset[g] * d.offset[g];
    for (std::size_t i = 0; i < N; ++i)
        for (std::int64_t p = z.indptr[i]; p < z.indptr[i + 1]; ++p)
            cz[i] += d.offset[z.indices[p]] * z.data[p];
    // sklearn's 'optimal' schedule start.
    const double typw = std::sqrt(1.0 / std::sqrt(o.alpha));
    const double eta0 = typw / std::max(1.0, log_dloss(-typw, 1.0));
    const double optimal_init = 1.0 / (eta0 * o.alpha);
    std::vector<char> converged(rows, 1);

    parallel::parallel_for(rows, o.n_threads, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t k = lo; k < hi; ++k) {
            const auto positive = static_cast<std::int32_t>(n_classes == 2 ? 1 : k);
            cluster::Random rng(o.seed + 0x9e3779b97f4a7c15ULL * (k + 1));
            std::vector<double> u(G, 0.0);
            double beta = 0, scale = 1, uc = 0, b = 0, t = 1,
                   best = std::numeric_limits<double>::infinity();
            std::size_t no_improve = 0, epoch = 0;
            const std::size_t epochs = o.mini_batch ? o.epochs : o.max_iter;
            bool done = false;
            for (; epoch < epochs && !done; ++epoch) {
                const auto plan = epoch_plan(N, y, o, rng);
                double sumloss = 0;
                for (const auto& batch : plan) {
                    for (const std::size_t i : batch) {
                        const double yi = y[i] == positive ? 1.0 : -1.0;
                        double zu = 0;
                        for (std::int64_t p = z.indptr[i]; p < z.indptr[i + 1]; ++p)
                            zu += u[z.indices[p]] * z.data[p];
                        const double pred = scale * (zu + beta * cz[i] + uc + beta * cc) + b;
                        sumloss += log_loss(pred, yi);
                        const double eta = 1.0 / (o.alpha * (optimal_init + t - 1.0));
                        const double dl = log_dloss(pred, yi);
                        scale *= std::max(0.0, 1.0 - eta * o.alpha);
                        if (scale < 1e-9) {  // renormalize like sklearn's wscale reset
                            for (double& v : u) v *= scale;
                            beta *= scale, uc *= scale, scale = 1;
                        }
                        const double step =
                            -eta * dl / scale;  // w += -eta dl x = scale * step * (Z_i + c)
                        for (std::int64_t p = z.indptr[i]; p < z.indptr[i + 1]; ++p)
                            u[z.indices[p]] += step * z.data[p];
                        uc += step * cz[i];
                        beta += step;
                        b += -eta * dl;
                        t += 1;
                    }
                }
                if (!o.mini_batch) {
                    if (sumloss > best - o.tol * static_cast<double>(N)) {
                        if (++no_improve >= o.n_iter_no_change) done = true;
                    } else {
                        no_improve = 0;
                    }
                    best = std::min(best, sumloss);
                }
            }
            converged[k] = o.mini_batch || done;
            for (std::size_t g = 0; g < G; ++g)
                fit.coef[k * G + g] = scale * (u[g] + beta * d.offset[g]);
            fit.intercept[k] = b;
            fit.iterations[k] = epoch;
        }
    });
    for (const char c : converged) fit.converged = fit.converged && c;
    return fit;
}

}  // namespace ct::train
