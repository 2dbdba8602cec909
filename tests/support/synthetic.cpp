#include "support/synthetic.hpp"

#include <cmath>
#include <random>

namespace ct::testing {

std::vector<float> clustered_points(std::size_t n, std::size_t dim, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    std::vector<float> centers(20 * dim);
    for (auto& c : centers) c = 5.0f * nd(rng);
    std::vector<float> p(n * dim);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t d = 0; d < dim; ++d)
            p[i * dim + d] = centers[(i % 20) * dim + d] + nd(rng);
    return p;
}

cluster::SparseRows three_blobs(std::vector<std::int32_t>& groups) {
    std::mt19937_64 rng(3);
    std::normal_distribution<float> nd(0, 1);
    cluster::SparseRows x;
    x.n_cols = 4;
    groups.clear();
    for (int i = 0; i < 300; ++i) {
        const int c = i % 3;
        groups.push_back(c);
        for (int g = 0; g < 4; ++g) {
            x.data.push_back(std::fabs((g == c ? 3.0f : 0.0f) + nd(rng)));
            x.indices.push_back(g);
        }
        x.indptr.push_back(static_cast<std::int64_t>(x.data.size()));
        ++x.n_rows;
    }
    return x;
}

cluster::SparseRows sparse_from_dense(const std::vector<std::vector<float>>& rows) {
    cluster::SparseRows m;
    m.n_rows = rows.size();
    m.n_cols = rows.empty() ? 0 : rows[0].size();
    for (const auto& r : rows) {
        for (std::size_t j = 0; j < r.size(); ++j)
            if (r[j] != 0.0f)
                m.data.push_back(r[j]), m.indices.push_back(static_cast<std::int32_t>(j));
        m.indptr.push_back(static_cast<std::int64_t>(m.data.size()));
    }
    return m;
}

double accuracy(const std::vector<std::string>& labels, const std::vector<std::string>& truth,
                const std::set<std::string>& known) {
    std::size_t n = 0, right = 0;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        if (!known.count(truth[i])) continue;
        ++n;
        right += labels[i] == truth[i];
    }
    return n == 0 ? 0.0 : static_cast<double>(right) / static_cast<double>(n);
}

double agreement(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    std::size_t same = 0;
    for (std::size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
    return a.empty() ? 0.0 : static_cast<double>(same) / static_cast<double>(a.size());
}

}  // namespace ct::testing
