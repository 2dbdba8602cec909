#pragma once
/// @file fixtures.hpp
/// Test-only access to the golden fixtures in ../shared (read in place, never copied).
/// Native tests read h5ad through the HDF5 C library; the product itself reads h5ad in
/// JavaScript with h5wasm, so nothing here is part of the core.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ct::testing {

/// Absolute path of a file under the shared folder: `$CT_SHARED` if set, else the
/// CMake-configured `CT_SHARED_DIR` (../shared beside the repository).
std::string shared_path(const std::string& relative);

/// A CSR matrix as AnnData stores it (float32 values, int32 indices, int64 row pointers).
struct CsrMatrix {
    std::size_t n_rows = 0;
    std::size_t n_cols = 0;
    std::vector<float> data;
    std::vector<std::int32_t> indices;
    std::vector<std::int64_t> indptr;
};

/// What the tests need of an h5ad file.
struct H5ad {
    CsrMatrix X;  ///< the matrix asked for (X or raw/X), as CSR
    std::vector<std::string> obs_names;
    std::vector<std::string> var_names;  ///< gene names of that matrix (var or raw/var index)
    /// Categorical and string obs columns, decoded to one string per cell.
    std::map<std::string, std::vector<std::string>> obs;
    /// obsm embeddings, row-major n_obs x k (as double).
    std::map<std::string, std::pair<std::size_t, std::vector<double>>> obsm;
    /// The neighbour graph (obsp/connectivities, or uns/neighbors/connectivities in old
    /// files) as CSR with float64 weights; n_rows == 0 when the file has none.
    CsrMatrix connectivities;
    std::vector<double> connectivity_weights;
};

/// Reads an h5ad file, current (anndata >= 0.8 `encoding-type` attrs) or old (compound
/// `obs`/`var` datasets, `raw.X` group, `uns/<col>_categories`) encoding.
/// @param use_raw read `raw/X` (+ `raw/var`) instead of `X`; a dense X is converted to CSR.
H5ad read_h5ad(const std::string& path, bool use_raw = false);

/// A CSV file as pandas `to_csv` writes it: first column is the index.
struct CsvTable {
    std::vector<std::string> header;             ///< column names without the index column
    std::vector<std::string> index;              ///< first field of each row
    std::vector<std::vector<std::string>> rows;  ///< remaining fields of each row

    /// Column by name (throws if absent).
    std::vector<std::string> column(const std::string& name) const;
    /// All fields parsed as doubles, row-major rows x header.size().
    std::vector<double> numeric() const;
};

/// Reads a CSV file (quoted fields supported; `.gz` not supported).
CsvTable read_csv(const std::string& path);

/// Reads a whole file as bytes.
std::vector<std::uint8_t> read_bytes(const std::string& path);

}  // namespace ct::testing
