#include "model/convert.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace ct::model {

namespace {

/// pandas 1.5's default `na_values`.
bool is_na(const std::string& s) {
    static const std::set<std::string> kNa = {
        "",        "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
        "1.#QNAN", "<NA>", "N/A",      "NA",  "NULL",    "NaN",      "n/a",  "nan",  "null"};
    return kNa.count(s) > 0;
}

std::vector<std::string> split_line(const std::string& line, char sep) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == sep) {
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    return fields;
}

}  // namespace

std::vector<GeneMapRow> parse_gene_map(const char* text, std::size_t size, char sep) {
    std::vector<GeneMapRow> rows;
    std::size_t start = 0, line_no = 0;
    while (start < size) {
        std::size_t end = start;
        while (end < size && text[end] != '\n') ++end;
        std::string line(text + start, end - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        ++line_no;
        start = end + 1;
        if (line.empty()) continue;  // pandas skips blank lines
        const auto f = split_line(line, sep);
        if (f.size() != 2) {
            throw std::invalid_argument("the gene map must have two columns; line " +
                                        std::to_string(line_no) + " has " +
                                        std::to_string(f.size()));
        }
        if (is_na(f[0]) || is_na(f[1])) continue;
        rows.emplace_back(f[0], f[1]);
    }
    return rows;
}

ConvertResult convert_model(const Model& model, const std::vector<GeneMapRow>& map_in,
                            const ConvertOptions& options) {
    const std::size_t F = model.n_features();
    std::unordered_map<std::string, std::size_t> feature_index;
    for (std::size_t i = 0; i < F; ++i) feature_index.emplace(model.features[i], i);

    // drop_duplicates(): identical rows, first kept.
    std::vector<GeneMapRow> rows;
    {
        std::set<GeneMapRow> seen;
        for (const auto& r : map_in)
            if (seen.insert(r).second) rows.push_back(r);
    }
    int from = options.convert_from;
    if (from != 0 && from != 1) {
        std::size_t c0 = 0, c1 = 0;
        for (const auto& r : rows) {
            c0 += feature_index.count(r.first);
            c1 += feature_index.count(r.second);
        }
        from = c0 > c1 ? 0 : 1;
    }
    auto from_of = [&](const GeneMapRow& r) -> const std::string& {
        return from == 0 ? r.first : r.second;
    };
    auto to_of = [&](const GeneMapRow& r) -> const std::string& {
        return from == 0 ? r.second : r.first;
    };
    std::vector<GeneMapRow> kept;
    for (const auto& r : rows)
        if (feature_index.count(from_of(r))) kept.push_back(r);
    if (options.unique_only) {
        // drop_duplicates([0], keep=False), then drop_duplicates([1], keep=False).
        for (int col = 0; col < 2; ++col) {
            std::unordered_map<std::string, int> count;
            for (const auto& r : kept) ++count[col == 0 ? r.first : r.second];
            std::vector<GeneMapRow> next;
            for (const auto& r : kept)
                if (count[col == 0 ? r.first : r.second] == 1) next.push_back(r);
            kept.swap(next);
        }
    }
    if (kept.empty()) {
        throw std::invalid_argument(
            "none of the model's genes has an ortholog in the gene map: check that the map is for "
            "this model's species");
    }

    ConvertResult out;
    out.convert_from = from;
    out.n_features_before = F;
    Model& m = out.model;
    m = model;
    const std::size_t R = model.coef_rows();
    // Target genes with the source feature indices that feed each.
    std::vector<std::string> targets;
    std::vector<std::vector<std::size_t>> sources;
    if (options.unique_only) {
        for (const auto& r : kept) {
            targets.push_back(to_of(r));
            sources.push_back({feature_index.at(from_of(r))});
        }
    } else {
        std::map<std::string, std::vector<std::size_t>> by_target;  // sorted, as np.unique
        for (const auto& r : kept) by_target[to_of(r)].push_back(feature_index.at(from_of(r)));
        for (auto& [t, s] : by_target) {
            targets.push_back(t);
            sources.push_back(std::move(s));
        }
    }
    const std::size_t T = targets.size();
    auto average = [&](const std::vector<double>& v, const std::vector<std::size_t>& idx) {
        if (v.empty()) return 0.0;
        double s = 0.0;
        for (const auto i : idx) s += v[i];
        return idx.size() == 1 ? v[idx[0]] : s / static_cast<double>(idx.size());
    };
    m.features = targets;
    m.coef.assign(R * T, 0.0);
    for (std::size_t r = 0; r < R; ++r) {
        for (std::size_t t = 0; t < T; ++t) {
            double s = 0.0;
            for (const auto i : sources[t]) s += model.coef[r * F + i];
            m.coef[r * T + t] = sources[t].size() == 1 ? model.coef[r * F + sources[t][0]]
                                                       : s / static_cast<double>(sources[t].size());
        }
    }
    std::vector<double> mean(T), scale(T), var(model.scaler_var.empty() ? 0 : T);
    for (std::size_t t = 0; t < T; ++t) {
        mean[t] = average(model.scaler_mean, sources[t]);
        scale[t] = average(model.scaler_scale, sources[t]);
        if (!var.empty()) var[t] = average(model.scaler_var, sources[t]);
    }
    m.scaler_mean = std::move(mean);
    m.scaler_scale = std::move(scale);
    m.scaler_var = std::move(var);
    return out;
}

}  // namespace ct::model
