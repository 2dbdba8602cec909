// Over-clustering benchmark (not a test): CellTypist's automatic over-clustering pipeline
// (gene stats -> HVG -> scale -> PCA -> kNN -> connectivities -> Leiden [-> UMAP layout]) on
// synthetic cells with cell-type structure, streamed in chunks twice like the engine does.
//
//   over_cluster_bench [--cells 20000] [--genes 19639] [--nnz 2950] [--types 30]
//                      [--threads 2] [--layout 1] [--seed 0] [--quality 0] [--epochs 0]
//   over_cluster_bench --h5ad FILE [--threads 2] [--layout 1] [--seed 0] [--quality 0] [--pcs FILE]
//                      [--ref-pcs FILE] [--epochs 0]
//   over_cluster_bench --pcs FILE [--threads 2] [--layout 1] [--quality 0] [--epochs 0]
//
// Prints the time of each step, peak RSS, and how pure the clusters are (share of cells whose
// cluster's majority type is their own type: what majority voting relies on), and with a layout
// its silhouette by the true types (how well the embedding separates them). --h5ad reads a
// log1p-normalized query (e.g. scripts/bench-data.ts's q20k.h5ad; the true type is obs
// `true_type`) into memory first (when built with the tests, which bring HDF5). --quality 1 also
// prints the kNN graph's recall of the exact 10 neighbours of 1,000 sampled cells (PCA and kNN
// computed once more for it, outside the timings). --pcs FILE saves the principal components
// (and true types) there after a run, or when FILE exists starts from them (kNN, Leiden and
// layout only: quick repeated runs of those steps). --ref-pcs FILE (with --quality 1) also prints
// how many of the exact 10 neighbours of 1,000 cells in the components saved there (e.g. by a
// converged PCA) are the same in this run's components.
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

#include "cluster/knn.hpp"
#include "cluster/over_cluster.hpp"
#include "cluster/pca.hpp"
#include "cluster/scale.hpp"
#include "cluster/silhouette.hpp"
#include "peak_rss.hpp"
#ifdef CT_BENCH_H5AD
#include "support/fixtures.hpp"
#endif

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

/// Share of the exact k nearest neighbours (brute force) of 1,000 evenly spaced cells that the
/// graph lists.
double sampled_recall(const cluster::PointsView& pts, const cluster::KnnGraph& g) {
    const std::size_t step = std::max<std::size_t>(1, pts.n / 1000), k = g.k;
    std::size_t hit = 0, total = 0;
    std::vector<std::pair<float, std::int32_t>> d(pts.n);
    for (std::size_t i = 0; i < pts.n; i += step) {
        for (std::size_t j = 0; j < pts.n; ++j)
            d[j] = {j == i ? -1.0f : cluster::squared_distance(pts.row(i), pts.row(j), pts.dim),
                    static_cast<std::int32_t>(j)};
        std::partial_sort(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(k), d.end());
        const auto* row = &g.indices[i * k];
        for (std::size_t j = 0; j < k; ++j) hit += std::find(row, row + k, d[j].second) != row + k;
        total += k;
    }
    return static_cast<double>(hit) / static_cast<double>(total);
}

/// Share of the exact k nearest neighbours of 1,000 evenly spaced cells in `ref` (e.g. converged
/// principal components) that are also their exact k nearest neighbours in `pts`.
double sampled_overlap(const cluster::PointsView& pts, const cluster::PointsView& ref,
                       std::size_t k) {
    const std::size_t step = std::max<std::size_t>(1, pts.n / 1000);
    std::size_t hit = 0, total = 0;
    std::vector<std::pair<float, std::int32_t>> a(pts.n), b(pts.n);
    for (std::size_t i = 0; i < pts.n; i += step) {
        for (std::size_t j = 0; j < pts.n; ++j) {
            a[j] = {j == i ? -1.0f : cluster::squared_distance(pts.row(i), pts.row(j), pts.dim),
                    static_cast<std::int32_t>(j)};
            b[j] = {j == i ? -1.0f : cluster::squared_distance(ref.row(i), ref.row(j), ref.dim),
                    static_cast<std::int32_t>(j)};
        }
        std::partial_sort(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(k), a.end());
        std::partial_sort(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(k), b.end());
        for (std::size_t x = 0; x < k; ++x)
            for (std::size_t y = 0; y < k; ++y) hit += a[x].second == b[y].second;
        total += k;
    }
    return static_cast<double>(hit) / static_cast<double>(total);
}

/// Reads principal components saved by --pcs (cells x dims, then the true types).
std::vector<float> read_pcs(const std::string& file, std::uint64_t head[2],
                            std::vector<std::int32_t>* truth = nullptr) {
    std::ifstream f(file, std::ios::binary);
    f.read(reinterpret_cast<char*>(head), 2 * sizeof(std::uint64_t));
    std::vector<float> scores(head[0] * head[1]);
    f.read(reinterpret_cast<char*>(scores.data()),
           static_cast<std::streamsize>(scores.size() * sizeof(float)));
    if (truth) {
        truth->resize(head[0]);
        f.read(reinterpret_cast<char*>(truth->data()),
               static_cast<std::streamsize>(truth->size() * sizeof(std::int32_t)));
    }
    return scores;
}

/// The kNN graph's sampled recall and the PCs' silhouette by true type.
void print_quality(const std::vector<float>& scores, std::size_t dims,
                   const std::vector<std::int32_t>& truth, const cluster::OverClusterOptions& o) {
    const cluster::PointsView pts{scores.data(), truth.size(), dims};
    cluster::KnnOptions ko;
    ko.k = o.n_neighbors, ko.seed = o.seed, ko.n_threads = o.n_threads;
    const auto knn = cluster::find_neighbors(pts, ko);
    std::printf(
        "kNN recall of the exact 10 neighbours (1,000 cells): %.4f; PCA silhouette by true type "
        "%.4f (5,000 cells)\n",
        sampled_recall(pts, knn), cluster::silhouette(scores, dims, truth, 5000));
}

/// kNN, Leiden and layout from saved principal components (--pcs).
int from_pcs(const std::string& file, std::size_t threads, bool layout, std::uint64_t seed,
             bool quality, std::size_t epochs) {
    std::uint64_t head[2] = {0, 0};
    std::vector<std::int32_t> truth;
    const std::vector<float> scores = read_pcs(file, head, &truth);
    cluster::OverClusterOptions o;
    o.n_threads = threads, o.layout = layout, o.seed = seed, o.n_epochs = epochs;
    std::map<std::string, double> secs, cpu;
    std::string last = "neighbors";
    auto mark = Clock::now();
    double mark_cpu = cpu_seconds();
    const auto r = cluster::over_cluster_points(
        scores.data(), head[0], head[1], o, [&](const std::string& step, double) {
            const auto now = Clock::now();
            const double now_cpu = cpu_seconds();
            secs[last] += std::chrono::duration<double>(now - mark).count();
            cpu[last] += now_cpu - mark_cpu;
            last = step, mark = now, mark_cpu = now_cpu;
        });
    std::printf("from saved PCs: %zu cells x %zu components, %zu threads\n",
                static_cast<std::size_t>(head[0]), static_cast<std::size_t>(head[1]), threads);
    for (const char* s : {"neighbors", "leiden", "layout"})
        if (secs.count(s)) std::printf("  %-18s %7.2f s (cpu %.2f s)\n", s, secs[s], cpu[s]);
    std::printf("%zu clusters at resolution %g, peak RSS %.0f MB\n", r.n_clusters, r.resolution,
                peak_rss_mb());
    if (quality) print_quality(scores, head[1], truth, o);
    if (!r.layout.empty())
        std::printf("layout silhouette by true type: %.4f (5,000 cells)\n",
                    cluster::silhouette(r.layout, 2, truth, 5000));
    return 0;
}

int main(int argc, char** argv) {
    std::size_t cells = 20000, genes = 19639, nnz = 2950, types = 30, threads = 2, seed = 0,
                epochs = 0;
    bool layout = true, quality = false;
    std::string h5ad, pcs_file, ref_file;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--h5ad" || a == "--pcs" || a == "--ref-pcs") {
            (a == "--h5ad" ? h5ad : a == "--pcs" ? pcs_file : ref_file) = argv[i + 1];
            continue;
        }
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
        else if (a == "--epochs")
            epochs = v;
        else if (a == "--layout")
            layout = v != 0;
        else if (a == "--quality")
            quality = v != 0;
        else {
            std::fprintf(stderr, "unknown option %s\n", a.c_str());
            return 2;
        }
    }
    if (!pcs_file.empty() && std::ifstream(pcs_file).good())
        return from_pcs(pcs_file, threads, layout, seed, quality, epochs);
    const Generator gen(genes, nnz, types);
    std::vector<std::int32_t> truth;  // true type per cell
    const std::size_t chunk = 4096;
    std::vector<float> data;
    std::vector<std::int32_t> idx;
    std::vector<std::int64_t> ptr;
    double gen_seconds = 0, gen_cpu = 0;
#ifdef CT_BENCH_H5AD
    ct::testing::H5ad file;
    if (!h5ad.empty()) {
        file = ct::testing::read_h5ad(h5ad);
        cells = file.X.n_rows, genes = file.X.n_cols;
        std::map<std::string, std::int32_t> ids;
        for (const auto& t : file.obs.at("true_type"))
            truth.push_back(ids.emplace(t, static_cast<std::int32_t>(ids.size())).first->second);
    }
#else
    if (!h5ad.empty()) {
        std::fprintf(stderr, "--h5ad needs the bench built with the tests (HDF5)\n");
        return 2;
    }
#endif
    if (truth.empty())
        for (std::size_t c = 0; c < cells; ++c)
            truth.push_back(static_cast<std::int32_t>(gen.type_of(c)));
    auto for_chunks = [&](auto&& fn) {
        for (std::size_t first = 0; first < cells; first += chunk) {
            const std::size_t rows = std::min(chunk, cells - first);
#ifdef CT_BENCH_H5AD
            if (!h5ad.empty()) {
                const auto p0 = static_cast<std::size_t>(file.X.indptr[first]);
                fn(file.X.data.data() + p0, file.X.indices.data() + p0,
                   file.X.indptr.data() + first, rows);
                continue;
            }
#endif
            const auto g0 = Clock::now();
            const double c0 = thread_cpu_seconds();
            gen.chunk(first, rows, data, idx, ptr);
            gen_seconds += std::chrono::duration<double>(Clock::now() - g0).count();
            gen_cpu += thread_cpu_seconds() - c0;
            fn(data.data(), idx.data(), ptr.data(), rows);
        }
    };
    std::map<std::string, double> step_seconds, step_cpu;
    const auto t0 = Clock::now();
    cluster::GeneStats stats(genes);
    for_chunks([&](const float* d, const std::int32_t* ix, const std::int64_t* p,
                   std::size_t rows) { stats.add(d, ix, p, rows); });
    cluster::OverClusterOptions o;
    o.n_threads = threads;
    o.layout = layout;
    o.seed = seed;
    o.n_epochs = epochs;
    const auto selected = cluster::select_genes(stats, o);
    cluster::SubsetBuilder builder(genes, selected);
    for_chunks([&](const float* d, const std::int32_t* ix, const std::int64_t* p,
                   std::size_t rows) { builder.add(d, ix, p, rows); });
    const auto t1 = Clock::now();
    step_seconds["genes (2 passes)"] = std::chrono::duration<double>(t1 - t0).count() - gen_seconds;
    step_cpu["genes (2 passes)"] = cpu_seconds() - gen_cpu;
    auto matrix = builder.take();
    const std::size_t sub_nnz = matrix.nnz();
    const cluster::SparseRows copy = quality || !pcs_file.empty() ? matrix : cluster::SparseRows{};
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
    for (std::size_t c = 0; c < cells; ++c) ++votes[result.clusters[c]][truth[c]];
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
    if (quality || !pcs_file.empty()) {  // the run's PCA once more (deterministic)
        cluster::PcaOptions po;
        po.n_components = o.n_pcs, po.seed = o.seed, po.n_threads = threads;
        const auto pca = cluster::pca_sparse(cluster::scale_sparse(copy), po);
        if (quality) print_quality(pca.scores, pca.n_components, truth, o);
        if (quality && !ref_file.empty()) {
            std::uint64_t rh[2] = {0, 0};
            const auto ref = read_pcs(ref_file, rh);
            std::printf("10-NN overlap with the PCs of %s (1,000 cells): %.4f\n", ref_file.c_str(),
                        sampled_overlap({pca.scores.data(), pca.n_rows, pca.n_components},
                                        {ref.data(), rh[0], rh[1]}, 10));
        }
        if (!pcs_file.empty()) {
            std::ofstream f(pcs_file, std::ios::binary);
            const std::uint64_t head[2] = {pca.n_rows, pca.n_components};
            f.write(reinterpret_cast<const char*>(head), sizeof head);
            f.write(reinterpret_cast<const char*>(pca.scores.data()),
                    static_cast<std::streamsize>(pca.scores.size() * sizeof(float)));
            f.write(reinterpret_cast<const char*>(truth.data()),
                    static_cast<std::streamsize>(truth.size() * sizeof(std::int32_t)));
            std::printf("principal components saved to %s\n", pcs_file.c_str());
        }
    }
    if (!result.layout.empty()) {
        std::printf("layout silhouette by true type: %.4f (5,000 cells)\n",
                    cluster::silhouette(result.layout, 2, truth, 5000));
    }
    return 0;
}
