#include "train/lbfgs.hpp"

#include <algorithm>
#include <cmath>
#include <deque>

namespace ct::train {

namespace {
double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}
double max_abs(const std::vector<double>& a) {
    double m = 0;
    for (const double v : a) m = std::max(m, std::fabs(v));
    return m;
}
}  // namespace

LbfgsResult lbfgs_minimize(const Objective& f, std::vector<double>& x,
                           const LbfgsOptions& options) {
    const std::size_t n = x.size();
    std::vector<double> g(n), g_new(n), d(n), x_new(n);
    std::deque<std::vector<double>> S, Y;
    std::deque<double> rho;
    LbfgsResult r;
    double fx = f(x, g);
    std::vector<double> alpha(options.memory);
    for (r.iterations = 0; r.iterations < options.max_iter; ++r.iterations) {
        if (max_abs(g) <= options.gtol) {
            r.converged = true;
            break;
        }
        // Two-loop recursion: d = -H g.
        d = g;
        for (std::size_t k = S.size(); k-- > 0;) {
            alpha[k] = rho[k] * dot(S[k], d);
            for (std::size_t i = 0; i < n; ++i) d[i] -= alpha[k] * Y[k][i];
        }
        const double gamma = S.empty() ? 1.0 / std::max(1e-300, std::sqrt(dot(g, g)))
                                       : dot(S.back(), Y.back()) / dot(Y.back(), Y.back());
        for (double& v : d) v *= gamma;
        for (std::size_t k = 0; k < S.size(); ++k) {
            const double beta = rho[k] * dot(Y[k], d);
            for (std::size_t i = 0; i < n; ++i) d[i] += S[k][i] * (alpha[k] - beta);
        }
        for (double& v : d) v = -v;
        double slope = dot(g, d);
        if (slope >= 0) {  // not a descent direction: restart with steepest descent
            S.clear(), Y.clear(), rho.clear();
            for (std::size_t i = 0; i < n; ++i)
                d[i] = -g[i] / std::max(1e-300, std::sqrt(dot(g, g)));
            slope = dot(g, d);
        }
        // Backtracking line search (Armijo).
        double step = 1.0, f_new = 0;
        bool ok = false;
        for (std::size_t ls = 0; ls < options.max_line_search; ++ls) {
            for (std::size_t i = 0; i < n; ++i) x_new[i] = x[i] + step * d[i];
            f_new = f(x_new, g_new);
            if (std::isfinite(f_new) && f_new <= fx + 1e-4 * step * slope) {
                ok = true;
                break;
            }
            step *= 0.5;
        }
        if (!ok) break;  // no progress possible: at the precision limit
        std::vector<double> s(n), y(n);
        for (std::size_t i = 0; i < n; ++i) s[i] = x_new[i] - x[i], y[i] = g_new[i] - g[i];
        const double sy = dot(s, y);
        const double rel = (fx - f_new) / std::max({std::fabs(fx), std::fabs(f_new), 1.0});
        x.swap(x_new);
        g.swap(g_new);
        fx = f_new;
        if (sy > 1e-10 * dot(y, y)) {
            if (S.size() == options.memory) S.pop_front(), Y.pop_front(), rho.pop_front();
            S.push_back(std::move(s));
            Y.push_back(std::move(y));
            rho.push_back(1.0 / sy);
        }
        if (rel <= options.ftol) {
            r.converged = true;
            ++r.iterations;
            break;
        }
    }
    r.f = fx;
    return r;
}

}  // namespace ct::train
