// Native prediction benchmark (not a test): cells/second of the sparse predictor on a large
// synthetic CSR matrix, single- and multi-threaded.
//
//   predict_bench [--cells 200000] [--genes 20000] [--nnz 2000] [--types 98] [--model PATH]
//   [--threads N]
//
// With --model, a real CellTypist .pkl (e.g. ../shared/bench/bench98.pkl) is used and the
// query genes are its features plus extra genes; otherwise a random model over all genes.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "model/pickle_reader.hpp"
#include "peak_rss.hpp"
#include "predict/labels.hpp"
#include "predict/predictor.hpp"
#include "predict/score_parallel.hpp"

using namespace ct;

int main(int argc, char** argv) {
    std::size_t cells = 200000, genes = 20000, nnz = 2000, types = 98,
                threads = std::thread::hardware_concurrency();
    std::string model_path;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        const std::string v = argv[i + 1];
        if (a == "--cells")
            cells = std::stoul(v);
        else if (a == "--genes")
            genes = std::stoul(v);
        else if (a == "--nnz")
            nnz = std::stoul(v);
        else if (a == "--types")
            types = std::stoul(v);
        else if (a == "--model")
            model_path = v;
        else if (a == "--threads")
            threads = std::stoul(v);
        else {
            std::fprintf(stderr, "unknown option %s\n", a.c_str());
            return 2;
        }
    }
    std::mt19937_64 rng(42);
    model::Model m;
    if (!model_path.empty()) {
        std::ifstream in(model_path, std::ios::binary);
        std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
        m = model::read_model(bytes.data(), bytes.size());
    } else {
        m.labels.resize(types);
        for (std::size_t t = 0; t < types; ++t) m.labels[t] = "type" + std::to_string(t);
        const std::size_t nf = genes * 1 / 3;  // a model over a third of the genes, like real ones
        std::normal_distribution<double> w(0, 0.1);
        for (std::size_t g = 0; g < nf; ++g) m.features.push_back("G" + std::to_string(g));
        m.coef.resize(types * nf);
        for (auto& c : m.coef) c = w(rng);
        m.intercept.assign(types, 0.0);
        m.scaler_mean.assign(nf, 0.3);
        m.scaler_scale.assign(nf, 0.7);
    }
    // Query genes: the model's features (5% dropped) followed by extra genes, shuffled.
    std::vector<std::string> query;
    std::uniform_real_distribution<double> u(0, 1);
    for (const auto& f : m.features) {
        if (u(rng) > 0.05) query.push_back(f);
    }
    while (query.size() < genes) query.push_back("X" + std::to_string(query.size()));
    std::shuffle(query.begin(), query.end(), rng);
    predict::Predictor p(m, query);
    const std::size_t L = p.n_labels();

    // One synthetic chunk of 4096 cells reused for all cells (the bench measures scoring, not I/O).
    const std::size_t chunk = 4096;
    std::vector<float> data(chunk * nnz);
    std::vector<std::int32_t> idx(chunk * nnz);
    std::vector<std::int64_t> ptr(chunk + 1);
    std::uniform_int_distribution<std::int32_t> col(0, static_cast<std::int32_t>(query.size() - 1));
    std::gamma_distribution<float> val(2.0f, 0.8f);
    for (std::size_t r = 0; r < chunk; ++r) {
        ptr[r] = static_cast<std::int64_t>(r * nnz);
        std::vector<std::int32_t> cols(nnz);
        for (auto& c : cols) c = col(rng);
        std::sort(cols.begin(), cols.end());
        for (std::size_t k = 0; k < nnz; ++k) {
            idx[r * nnz + k] = cols[k];
            data[r * nnz + k] = val(rng);
        }
    }
    ptr[chunk] = static_cast<std::int64_t>(chunk * nnz);
    std::vector<double> dec(chunk * L), prob(chunk * L);

    std::printf(
        "predict_bench: %zu cells x %zu genes, %zu nonzeros/cell, %zu cell types, %zu/%zu model "
        "genes used\n",
        cells, query.size(), nnz, L, p.n_features_used(), m.n_features());
    for (std::size_t t : {std::size_t{1}, threads}) {
        const auto t0 = std::chrono::steady_clock::now();
        std::size_t done = 0;
        double checksum = 0;
        while (done < cells) {
            const std::size_t rows = std::min(chunk, cells - done);
            predict::score_parallel(p, data.data(), idx.data(), ptr.data(), rows, dec.data(),
                                    prob.data(), {t});
            const auto best = predict::best_match(dec.data(), rows, L);
            checksum += best[0] + prob[0];
            done += rows;
        }
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf(
            "  native %zu thread%s: %.2f s, %.0f cells/s (20k cells: %.3f s; CellTypist 4.86 s -> "
            "%.0fx) [checksum %.3f]\n",
            t, t == 1 ? " " : "s", s, cells / s, 20000.0 * s / cells, 4.86 / (20000.0 * s / cells),
            checksum);
        if (threads == 1) break;
    }
    std::printf("  peak RSS %.0f MB\n", peak_rss_mb());
    return 0;
}
