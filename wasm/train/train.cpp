#include "train/train.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "train/design.hpp"
#include "train/logistic_regression.hpp"
#include "train/sgd.hpp"

namespace ct::train {

std::vector<std::int32_t> top_genes_union(const std::vector<double>& coef, std::size_t rows,
                                          std::size_t n_features, std::size_t top_n) {
    std::vector<char> keep(n_features, 0);
    std::vector<std::int32_t> idx(n_features);
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t g = 0; g < n_features; ++g) idx[g] = static_cast<std::int32_t>(g);
        const double* w = coef.data() + r * n_features;
        const std::size_t k = std::min(top_n, n_features);
        std::nth_element(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k), idx.end(),
                         [&](std::int32_t a, std::int32_t b) {
                             const double fa = std::fabs(w[a]), fb = std::fabs(w[b]);
                             return fa > fb || (fa == fb && a < b);
                         });
        for (std::size_t i = 0; i < k; ++i) keep[static_cast<std::size_t>(idx[i])] = 1;
    }
    std::vector<std::int32_t> out;
    for (std::size_t g = 0; g < n_features; ++g)
        if (keep[g]) out.push_back(static_cast<std::int32_t>(g));
    return out;
}

namespace {

void report_step(const TrainProgress& p, const char* s) {
    if (p) p(s);
}

LinearFit fit(const Design& d, const std::vector<std::int32_t>& y, std::size_t n_classes, bool sgd,
              const TrainOptions& o, std::size_t max_iter) {
    if (sgd) {
        SgdOptions so;
        so.alpha = o.alpha;
        so.max_iter = max_iter;
        so.mini_batch = o.mini_batch;
        so.batch_number = o.batch_number;
        so.batch_size = o.batch_size;
        so.epochs = o.epochs;
        so.balance_cell_type = o.balance_cell_type;
        so.seed = o.seed;
        so.n_threads = o.n_threads;
        return fit_sgd_ovr(d, y, n_classes, so);
    }
    LogisticOptions lo;
    lo.C = o.C;
    lo.max_iter = max_iter;
    lo.n_threads = o.n_threads;
    return fit_logistic_ovr(d, y, n_classes, lo);
}

}  // namespace

model::Model train_model(cluster::SparseRows x, const std::vector<std::string>& genes,
                         const std::vector<std::string>& labels, const TrainOptions& o,
                         const TrainProgress& progress, TrainReport* report) {
    if (x.n_rows != labels.size()) {
        throw std::invalid_argument("the number of labels (" + std::to_string(labels.size()) +
                                    ") does not match the number of cells (" +
                                    std::to_string(x.n_rows) + ")");
    }
    if (genes.size() != x.n_cols)
        throw std::invalid_argument("the number of gene names does not match the matrix");
    // Classes: sorted distinct labels (numpy's unique).
    std::map<std::string, std::int32_t> class_of;
    for (const auto& l : labels) class_of.emplace(l, 0);
    if (class_of.size() < 2)
        throw std::invalid_argument("training needs at least 2 cell types; the label column has " +
                                    std::to_string(class_of.size()));
    std::vector<std::string> classes;
    for (auto& [name, id] : class_of) {
        id = static_cast<std::int32_t>(classes.size());
        classes.push_back(name);
    }
    std::vector<std::int32_t> y(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) y[i] = class_of.at(labels[i]);

    report_step(progress, "scale");
    const auto expressed = expressed_genes(x);
    if (expressed.empty()) throw std::invalid_argument("no gene is expressed in the training data");
    std::vector<std::string> kept_genes;
    for (const auto g : expressed) kept_genes.push_back(genes[static_cast<std::size_t>(g)]);
    if (expressed.size() < x.n_cols) x = select_columns(x, expressed);
    const std::size_t n_cells = x.n_rows;
    ScalerOptions so;
    so.with_mean = o.with_mean;
    Design d = standardize(std::move(x), so);
    const std::size_t max_iter = o.max_iter > 0     ? o.max_iter
                                 : n_cells < 50000  ? 1000
                                 : n_cells < 500000 ? 500
                                                    : 200;

    report_step(progress, "fit");
    LinearFit f = fit(d, y, classes.size(), o.use_sgd || o.feature_selection, o, max_iter);
    std::vector<std::int32_t> chosen;
    if (o.feature_selection) {
        if (kept_genes.size() <= o.top_genes) {
            throw std::invalid_argument(
                "the number of genes (" + std::to_string(kept_genes.size()) +
                ") is not more than top_genes (" + std::to_string(o.top_genes) +
                "): feature selection is not possible; lower top_genes or turn it off");
        }
        report_step(progress, "select");
        chosen = top_genes_union(f.coef, f.n_rows, kept_genes.size(), o.top_genes);
        Design sub;
        sub.z = select_columns(d.z, chosen);
        for (const auto g : chosen) {
            sub.offset.push_back(d.offset[static_cast<std::size_t>(g)]);
            sub.scaler.mean.push_back(d.scaler.mean[static_cast<std::size_t>(g)]);
            sub.scaler.var.push_back(d.scaler.var[static_cast<std::size_t>(g)]);
            sub.scaler.scale.push_back(d.scaler.scale[static_cast<std::size_t>(g)]);
        }
        sub.scaler.with_mean = d.scaler.with_mean;
        sub.scaler.n_samples_seen = d.scaler.n_samples_seen;
        report_step(progress, "refit");
        f = fit(sub, y, classes.size(), o.use_sgd, o, max_iter);
        std::vector<std::string> g2;
        for (const auto g : chosen) g2.push_back(kept_genes[static_cast<std::size_t>(g)]);
        kept_genes.swap(g2);
        d = std::move(sub);
    }

    model::Model m;
    m.estimator =
        o.use_sgd ? model::Estimator::SGDClassifier : model::Estimator::LogisticRegression;
    m.labels = classes;
    m.features = kept_genes;
    m.coef = std::move(f.coef);
    m.intercept = std::move(f.intercept);
    m.with_mean = d.scaler.with_mean;
    m.with_std = true;
    m.scaler_mean =
        d.scaler.with_mean ? d.scaler.mean : std::vector<double>(kept_genes.size(), 0.0);
    m.scaler_var = d.scaler.var;
    m.scaler_scale = d.scaler.scale;
    m.scaler_n_samples_seen = d.scaler.n_samples_seen;
    m.description = o.description;
    m.description.number_celltypes = static_cast<std::int64_t>(classes.size());
    if (report) {
        report->n_genes_expressed = expressed.size();
        report->n_features = kept_genes.size();
        report->converged = f.converged;
        report->max_iterations =
            f.iterations.empty() ? 0 : *std::max_element(f.iterations.begin(), f.iterations.end());
    }
    report_step(progress, "done");
    return m;
}

}  // namespace ct::train
