#pragma once
/// @file lbfgs.hpp
/// Limited-memory BFGS for smooth unconstrained minimization (as scipy's L-BFGS-B that sklearn's
/// lbfgs solver calls, without bounds): two-loop recursion over the last `memory` steps and a
/// backtracking line search with the Armijo condition. Stops like scipy: the largest gradient
/// component below `gtol`, or the relative decrease of f below `ftol`, or `max_iter`.

#include <cstddef>
#include <functional>
#include <vector>

namespace ct::train {

struct LbfgsOptions {
    std::size_t memory = 10;                   ///< scipy's default maxcor
    std::size_t max_iter = 1000;               ///< CellTypist: 1000 below 50k cells
    double gtol = 1e-4;                        ///< sklearn's tol
    double ftol = 64 * 2.220446049250313e-16;  ///< sklearn's ftol
    std::size_t max_line_search = 50;
};

struct LbfgsResult {
    double f = 0;
    std::size_t iterations = 0;
    bool converged = false;
};

/// f(x, grad) returns the objective and writes its gradient.
using Objective = std::function<double(const std::vector<double>& x, std::vector<double>& grad)>;

/// Minimizes from x (in/out).
LbfgsResult lbfgs_minimize(const Objective& f, std::vector<double>& x,
                           const LbfgsOptions& options = {});

}  // namespace ct::train
