// Over-clustering benchmark (not a test): CellTypist's automatic over-clustering pipeline
// (gene stats -> HVG -> scale -> PCA -> kNN -> connectivities -> Leiden [-> UMAP layout]) on
// synthetic cells with cell-type structure, streamed in chunks twice like the engine does.
//
//   over_cluster_bench [--cells 20000] [--genes 19639] [--nnz 2950] [--types 30]
//                      [--threads 2] [--layout 1] [--seed 0]
//
// Prints the time of each step, peak RSS, and how pure the clusters are (share of cells whose
// cluster's majority type is their own type: what majority voting relies on), and with a layout
// its silhouette by the true types (how well the embedding separates them).
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "cluster/over_cluster.hpp"
#include "cluster/silhouette.hpp"
#include "peak_rss.hpp"

using namespace ct;
using Clock = std::chrono::steady_clock;

/// CPU time of all threads so far (user + system): the machine is shared, wall time alone
/// does not say how much work was done.
double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

/// CPU time of the calling thread (the data generation runs on it alone).
double thread_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

/// Deterministic synthetic chunk: each cell draws ~nnz genes, a third from its type's markers.
struct Generator {
    std::size_t genes, nnz, types;
    std::vector<std::vector<std::int32_t>> markers;
    Generator(std::size_t g, std::size_t n, std::size_t t)
        : genes(g), nnz(n), types(t), markers(t) {
        std::mt19937_64 rng(7);
        std::uniform_int_distribution<std::int32_t> col(0, static_cast<std::int32_t>(g - 1));
        for (auto& m : markers)
            for (int i = 0; i < 300; ++i) m.push_back(col(rng));
    }
    std::size_t type_of(std::size_t cell) const { return (cell * 2654435761u) % types; }
    void chunk(std::size_t first, std::size_t rows, std::vector<float>& data,
               std::vector<std::int32_t>& idx, std::vector<std::int64_t>& ptr) const {
        data.clear(), idx.clear(), ptr.assign(1, 0);
        std::vector<std::pair<std::int32_t, float>> row;
        for (std::size_t r = 0; r < rows; ++r) {
            const std::size_t cell = first + r;
            std::mt19937_64 rng(cell * 0x9e3779b97f4a7c15ULL + 1);
            std::uniform_int_distribution<std::int32_t> col(0,
                                                            static_cast<std::int32_t>(genes - 1));
            std::uniform_int_distribution<std::size_t> pick(0, 299);
            std::geometric_distribution<int> count(0.4);
            const auto& mk = markers[type_of(cell)];
            row.clear();
            const std::size_t n = nnz / 2 + (rng() % nnz);
            for (std::size_t i = 0; i < n; ++i) {
                const bool marker = i % 3 == 0;
                row.emplace_back(marker ? mk[pick(rng)] : col(rng),
                                 static_cast<float>(1 + count(rng) * (marker ? 3 : 1)));
            }
            std::sort(row.begin(), row.end(),
                      [](const auto& a, const auto& b) { return a.first < b.first; });
            double total = 0;
            std::size_t start = data.size();
            for (std::size_t i = 0; i < row.size(); ++i) {
                if (i > 0 && row[i].first == row[i - 1].first) {
                    data.back() += row[i].second;
                } else {
                    idx.push_back(row[i].first);
                    data.push_back(row[i].second);
                }
                total += row[i].second;
            }
            for (std::size_t p = start; p < data.size(); ++p)
                data[p] = std::log1p(static_cast<float>(data[p] / total * 1e4));
            ptr.push_back(static_cast<std::int64_t>(data.size()));
        }
    }
};

int main(int argc, char** argv) {
    std::size_t cells = 20000, genes = 19639, nnz = 2950, types = 30, threads = 2, seed = 0;
    bool layout = true;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        const std::size_t v = std::stoul(argv[i + 1]);
        if (a == "--cells")
            cells = v;
        else if (a == "--genes")
            genes = v;
        else if (a == "--nnz")
            nnz = v;
        else if (a == "--types")
            types = v;
        else if (a == "--threads")
            threads = v;
        else if (a == "--seed")
            seed = v;
        else if (a == "--layout")
            layout = v != 0;
        else {
            std::fprintf(stderr, "unknown option %s\n", a.c_str());
            return 2;
        }
    }
    const Generator gen(genes, nnz, types);
    const std::size_t chunk = 4096;
    std::vector<float> data;
    std::vector<std::int32_t> idx;
    std::vector<std::int64_t> ptr;
    double gen_seconds = 0, gen_cpu = 0;
    auto for_chunks = [&](auto&& fn) {
        for (std::size_t first = 0; first < cells; first += chunk) {
            const std::size_t rows = std::min(chunk, cells - first);
            const auto g0 = Clock::now();
            const double c0 = thread_cpu_seconds();
            gen.chunk(first, rows, data, idx, ptr);
            gen_seconds += std::chrono::duration<double>(Clock::now() - g0).count();
            gen_cpu += thread_cpu_seconds() - c0;
            fn(rows);
        }
    };
    std::map<std::string, double> step_seconds, step_cpu;
    const auto t0 = Clock::now();
    cluster::GeneStats stats(genes);
    for_chunks([&](std::size_t rows) { stats.add(data.data(), idx.data(), ptr.data(), rows); });
    cluster::OverClusterOptions o;
    o.n_threads = threads;
    o.layout = layout;
    o.seed = seed;
    const auto selected = cluster::select_genes(stats, o);
    cluster::SubsetBuilder builder(genes, selected);
    for_chunks([&](std::size_t rows) { builder.add(data.data(), idx.data(), ptr.data(), rows); });
    const auto t1 = Clock::now();
    step_seconds["genes (2 passes)"] = std::chrono::duration<double>(t1 - t0).count() - gen_seconds;
    step_cpu["genes (2 passes)"] = cpu_seconds() - gen_cpu;
    auto matrix = builder.take();
    const std::size_t sub_nnz = matrix.nnz();
    std::string last = "scale";
    auto mark = Clock::now();
    double mark_cpu = cpu_seconds();
    const auto result =
        cluster::over_cluster(std::move(matrix), o, [&](const std::string& step, double) {
            const auto now = Clock::now();
            const double now_cpu = cpu_seconds();
            step_seconds[last] += std::chrono::duration<double>(now - mark).count();
            step_cpu[last] += now_cpu - mark_cpu;
            last = step, mark = now, mark_cpu = now_cpu;
        });
    const double total = std::chrono::duration<double>(Clock::now() - t0).count() - gen_seconds;
    const double cpu = cpu_seconds() - gen_cpu;

    std::map<std::int32_t, std::map<std::size_t, std::size_t>> votes;
    for (std::size_t c = 0; c < cells; ++c) ++votes[result.clusters[c]][gen.type_of(c)];
    std::size_t pure = 0;
    for (const auto& [cl, v] : votes) {
        std::size_t best = 0;
        for (const auto& [t, n] : v) best = std::max(best, n);
        pure += best;
    }
    std::printf(
        "over-clustering %zu cells x %zu genes (%zu HVG, %.1fM nonzeros kept), %zu threads\n",
        cells, genes, selected.size(), static_cast<double>(sub_nnz) / 1e6, threads);
    for (const char* s : {"genes (2 passes)", "scale", "pca", "neighbors", "leiden", "layout"})
        if (step_seconds.count(s))
            std::printf("  %-18s %7.2f s (cpu %.2f s)\n", s, step_seconds[s], step_cpu[s]);
    std::printf(
        "total: %.2f s (data generation %.2f s excluded), %zu clusters at resolution %g, purity "
        "%.3f, peak RSS %.0f MB, cpu %.2f s\n",
        total, gen_seconds, result.n_clusters, result.resolution,
        static_cast<double>(pure) / static_cast<double>(cells), peak_rss_mb(), cpu);
    if (!result.layout.empty()) {
        std::vector<std::int32_t> truth(cells);
        for (std::size_t c = 0; c < cells; ++c)
            truth[c] = static_cast<std::int32_t>(gen.type_of(c));
        std::printf("layout silhouette by true type: %.4f (5,000 cells)\n",
                    cluster::silhouette(result.layout, 2, truth, 5000));
    }
    return 0;
}
