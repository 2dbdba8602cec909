#include "support/fixtures.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace ct::testing {

std::string shared_path(const std::string& relative) {
    const char* env = std::getenv("CT_SHARED");
    std::string base = env && *env ? env : CT_SHARED_DIR;
    return base + "/" + relative;
}

namespace {

// RAII for HDF5 ids.
struct Id {
    hid_t id = -1;
    herr_t (*close)(hid_t) = nullptr;
    Id(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) {}
    Id(const Id&) = delete;
    ~Id() {
        if (id >= 0 && close) close(id);
    }
    operator hid_t() const { return id; }
};

bool exists(hid_t loc, const std::string& path) {
    // Check each component so that missing parents do not raise HDF5 errors.
    std::string cur;
    std::stringstream ss(path);
    std::string part;
    while (std::getline(ss, part, '/')) {
        cur += (cur.empty() ? "" : "/") + part;
        if (H5Lexists(loc, cur.c_str(), H5P_DEFAULT) <= 0) return false;
    }
    return true;
}

bool is_group(hid_t loc, const std::string& path) {
    H5O_info_t info;
#if H5_VERSION_GE(1, 12, 0)
    H5Oget_info_by_name(loc, path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT);
#else
    H5Oget_info_by_name(loc, path.c_str(), &info, H5P_DEFAULT);
#endif
    return info.type == H5O_TYPE_GROUP;
}

std::string read_string_attr(hid_t obj, const char* name) {
    if (H5Aexists(obj, name) <= 0) return {};
    Id attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
    Id type(H5Aget_type(attr), H5Tclose);
    if (H5Tget_class(type) != H5T_STRING) return {};
    if (H5Tis_variable_str(type) > 0) {
        char* s = nullptr;
        Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(mem, H5T_VARIABLE);
        H5Tset_cset(mem, H5Tget_cset(type));
        H5Aread(attr, mem, &s);
        std::string out = s ? s : "";
        H5free_memory(s);
        return out;
    }
    const std::size_t n = H5Tget_size(type);
    std::string buf(n, '\0');
    H5Aread(attr, type, buf.data());
    buf.erase(buf.find_last_not_of('\0') + 1);
    return buf;
}

std::vector<std::int64_t> read_int_attr(hid_t obj, const char* name) {
    if (H5Aexists(obj, name) <= 0) return {};
    Id attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
    Id space(H5Aget_space(attr), H5Sclose);
    const auto n = H5Sget_simple_extent_npoints(space);
    std::vector<std::int64_t> out(static_cast<std::size_t>(n));
    H5Aread(attr, H5T_NATIVE_INT64, out.data());
    return out;
}

template <typename T>
std::vector<T> read_numeric(hid_t loc, const std::string& path, hid_t mem_type) {
    Id ds(H5Dopen2(loc, path.c_str(), H5P_DEFAULT), H5Dclose);
    if (ds < 0) throw std::runtime_error("cannot open dataset " + path);
    Id space(H5Dget_space(ds), H5Sclose);
    const auto n = H5Sget_simple_extent_npoints(space);
    std::vector<T> out(static_cast<std::size_t>(n));
    if (n > 0 && H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0) {
        throw std::runtime_error("cannot read dataset " + path);
    }
    return out;
}

std::vector<std::size_t> dims_of(hid_t loc, const std::string& path) {
    Id ds(H5Dopen2(loc, path.c_str(), H5P_DEFAULT), H5Dclose);
    Id space(H5Dget_space(ds), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> d(static_cast<std::size_t>(std::max(rank, 0)));
    H5Sget_simple_extent_dims(space, d.data(), nullptr);
    return {d.begin(), d.end()};
}

// Reads strings from a dataset of (variable or fixed length) strings, or from one field of a
// compound dataset.
std::vector<std::string> read_strings(hid_t loc, const std::string& path,
                                      const std::string& field = {}) {
    Id ds(H5Dopen2(loc, path.c_str(), H5P_DEFAULT), H5Dclose);
    if (ds < 0) throw std::runtime_error("cannot open dataset " + path);
    Id space(H5Dget_space(ds), H5Sclose);
    const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
    Id ftype(H5Dget_type(ds), H5Tclose);
    hid_t strtype = ftype;
    std::unique_ptr<Id> member;
    if (!field.empty()) {
        const int idx = H5Tget_member_index(ftype, field.c_str());
        if (idx < 0) throw std::runtime_error("no field " + field + " in " + path);
        member =
            std::make_unique<Id>(H5Tget_member_type(ftype, static_cast<unsigned>(idx)), H5Tclose);
        strtype = *member;
    }
    std::vector<std::string> out(n);
    if (H5Tis_variable_str(strtype) > 0) {
        Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(mem, H5T_VARIABLE);
        H5Tset_cset(mem, H5Tget_cset(strtype));
        hid_t read_type = mem;
        std::unique_ptr<Id> comp;
        if (!field.empty()) {
            comp = std::make_unique<Id>(H5Tcreate(H5T_COMPOUND, sizeof(char*)), H5Tclose);
            H5Tinsert(*comp, field.c_str(), 0, mem);
            read_type = *comp;
        }
        std::vector<char*> ptrs(n, nullptr);
        if (n) H5Dread(ds, read_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data());
        for (std::size_t i = 0; i < n; ++i) out[i] = ptrs[i] ? ptrs[i] : "";
        if (n) H5Dvlen_reclaim(read_type, space, H5P_DEFAULT, ptrs.data());
        return out;
    }
    const std::size_t w = H5Tget_size(strtype);
    Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem, w);
    H5Tset_strpad(mem, H5T_STR_NULLPAD);
    hid_t read_type = mem;
    std::unique_ptr<Id> comp;
    if (!field.empty()) {
        comp = std::make_unique<Id>(H5Tcreate(H5T_COMPOUND, w), H5Tclose);
        H5Tinsert(*comp, field.c_str(), 0, mem);
        read_type = *comp;
    }
    std::string buf(n * w, '\0');
    if (n) H5Dread(ds, read_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
    for (std::size_t i = 0; i < n; ++i) {
        std::string s = buf.substr(i * w, w);
        s.erase(s.find_last_not_of('\0') + 1);
        out[i] = s;
    }
    return out;
}

// One integer field of a compound dataset.
std::vector<std::int64_t> read_int_field(hid_t loc, const std::string& path,
                                         const std::string& field) {
    Id ds(H5Dopen2(loc, path.c_str(), H5P_DEFAULT), H5Dclose);
    Id space(H5Dget_space(ds), H5Sclose);
    const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
    Id comp(H5Tcreate(H5T_COMPOUND, sizeof(std::int64_t)), H5Tclose);
    H5Tinsert(comp, field.c_str(), 0, H5T_NATIVE_INT64);
    std::vector<std::int64_t> out(n);
    if (n) H5Dread(ds, comp, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
    return out;
}

std::vector<std::string> compound_fields(hid_t loc, const std::string& path) {
    Id ds(H5Dopen2(loc, path.c_str(), H5P_DEFAULT), H5Dclose);
    Id type(H5Dget_type(ds), H5Tclose);
    std::vector<std::string> out;
    if (H5Tget_class(type) != H5T_COMPOUND) return out;
    const int n = H5Tget_nmembers(type);
    for (int i = 0; i < n; ++i) {
        char* name = H5Tget_member_name(type, static_cast<unsigned>(i));
        out.emplace_back(name);
        H5free_memory(name);
    }
    return out;
}

H5T_class_t field_class(hid_t loc, const std::string& path, const std::string& field) {
    Id ds(H5Dopen2(loc, path.c_str(), H5P_DEFAULT), H5Dclose);
    Id type(H5Dget_type(ds), H5Tclose);
    const int idx = H5Tget_member_index(type, field.c_str());
    Id m(H5Tget_member_type(type, static_cast<unsigned>(idx)), H5Tclose);
    return H5Tget_class(m);
}

// The index (names) of a dataframe group or old compound dataset.
std::vector<std::string> dataframe_index(hid_t f, const std::string& path) {
    if (is_group(f, path)) {
        Id g(H5Gopen2(f, path.c_str(), H5P_DEFAULT), H5Gclose);
        std::string idx = read_string_attr(g, "_index");
        if (idx.empty()) idx = "_index";
        return read_strings(f, path + "/" + idx);
    }
    return read_strings(f, path, "index");
}

CsrMatrix read_matrix(hid_t f, const std::string& path) {
    CsrMatrix m;
    if (is_group(f, path)) {
        Id g(H5Gopen2(f, path.c_str(), H5P_DEFAULT), H5Gclose);
        std::string enc = read_string_attr(g, "encoding-type");
        if (enc.empty()) enc = read_string_attr(g, "h5sparse_format");
        auto shape = read_int_attr(g, "shape");
        if (shape.empty()) shape = read_int_attr(g, "h5sparse_shape");
        if (shape.size() != 2) throw std::runtime_error("no shape on " + path);
        auto data = read_numeric<float>(f, path + "/data", H5T_NATIVE_FLOAT);
        auto indices = read_numeric<std::int32_t>(f, path + "/indices", H5T_NATIVE_INT32);
        auto indptr = read_numeric<std::int64_t>(f, path + "/indptr", H5T_NATIVE_INT64);
        m.n_rows = static_cast<std::size_t>(shape[0]);
        m.n_cols = static_cast<std::size_t>(shape[1]);
        if (enc == "csr_matrix" || enc == "csr") {
            m.data = std::move(data);
            m.indices = std::move(indices);
            m.indptr = std::move(indptr);
            return m;
        }
        if (enc != "csc_matrix" && enc != "csc")
            throw std::runtime_error("unknown sparse encoding " + enc);
        // CSC -> CSR by counting.
        m.indptr.assign(m.n_rows + 1, 0);
        for (auto r : indices) ++m.indptr[static_cast<std::size_t>(r) + 1];
        for (std::size_t r = 0; r < m.n_rows; ++r) m.indptr[r + 1] += m.indptr[r];
        m.data.resize(data.size());
        m.indices.resize(data.size());
        std::vector<std::int64_t> next(m.indptr.begin(), m.indptr.end() - 1);
        for (std::size_t c = 0; c < m.n_cols; ++c) {
            for (auto k = indptr[c]; k < indptr[c + 1]; ++k) {
                const auto r = static_cast<std::size_t>(indices[static_cast<std::size_t>(k)]);
                const auto dst = static_cast<std::size_t>(next[r]++);
                m.data[dst] = data[static_cast<std::size_t>(k)];
                m.indices[dst] = static_cast<std::int32_t>(c);
            }
        }
        return m;
    }
    const auto dims = dims_of(f, path);
    if (dims.size() != 2) throw std::runtime_error(path + " is not a matrix");
    auto dense = read_numeric<float>(f, path, H5T_NATIVE_FLOAT);
    m.n_rows = dims[0];
    m.n_cols = dims[1];
    m.indptr.push_back(0);
    for (std::size_t r = 0; r < m.n_rows; ++r) {
        for (std::size_t c = 0; c < m.n_cols; ++c) {
            const float v = dense[r * m.n_cols + c];
            if (v != 0.0f) {
                m.data.push_back(v);
                m.indices.push_back(static_cast<std::int32_t>(c));
            }
        }
        m.indptr.push_back(static_cast<std::int64_t>(m.data.size()));
    }
    return m;
}

herr_t collect_names(hid_t, const char* name, const H5L_info_t*, void* out) {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
}

std::vector<std::string> children(hid_t f, const std::string& path) {
    Id g(H5Gopen2(f, path.c_str(), H5P_DEFAULT), H5Gclose);
    std::vector<std::string> names;
    H5Literate(g, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, collect_names, &names);
    return names;
}

void read_obs(hid_t f, H5ad& out) {
    if (is_group(f, "obs")) {
        Id g(H5Gopen2(f, "obs", H5P_DEFAULT), H5Gclose);
        std::string idx = read_string_attr(g, "_index");
        if (idx.empty()) idx = "_index";
        for (const auto& name : children(f, "obs")) {
            if (name == idx || name == "__categories") continue;
            const std::string p = "obs/" + name;
            if (is_group(f, p)) {
                if (!exists(f, p + "/categories")) continue;
                auto cats = read_strings(f, p + "/categories");
                auto codes = read_numeric<std::int64_t>(f, p + "/codes", H5T_NATIVE_INT64);
                std::vector<std::string> col(codes.size());
                for (std::size_t i = 0; i < codes.size(); ++i)
                    col[i] = codes[i] < 0 ? "" : cats[static_cast<std::size_t>(codes[i])];
                out.obs[name] = std::move(col);
            } else {
                Id ds(H5Dopen2(f, p.c_str(), H5P_DEFAULT), H5Dclose);
                Id type(H5Dget_type(ds), H5Tclose);
                if (H5Tget_class(type) == H5T_STRING) out.obs[name] = read_strings(f, p);
            }
        }
        return;
    }
    // Old encoding: compound dataset; categorical codes with uns/<col>_categories.
    for (const auto& field : compound_fields(f, "obs")) {
        if (field == "index") continue;
        const std::string cats_path = "uns/" + field + "_categories";
        if (exists(f, cats_path)) {
            auto cats = read_strings(f, cats_path);
            auto codes = read_int_field(f, "obs", field);
            std::vector<std::string> col(codes.size());
            for (std::size_t i = 0; i < codes.size(); ++i)
                col[i] = codes[i] < 0 ? "" : cats[static_cast<std::size_t>(codes[i])];
            out.obs[field] = std::move(col);
        } else if (field_class(f, "obs", field) == H5T_STRING) {
            out.obs[field] = read_strings(f, "obs", field);
        }
    }
}

void read_obsm(hid_t f, H5ad& out) {
    if (!exists(f, "obsm") || !is_group(f, "obsm"))
        return;  // old compound obsm not needed by tests
    for (const auto& name : children(f, "obsm")) {
        const std::string p = "obsm/" + name;
        if (is_group(f, p)) continue;
        const auto d = dims_of(f, p);
        if (d.size() != 2) continue;
        out.obsm[name] = {d[1], read_numeric<double>(f, p, H5T_NATIVE_DOUBLE)};
    }
}

}  // namespace

H5ad read_h5ad(const std::string& path, bool use_raw) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    Id f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (f < 0) throw std::runtime_error("cannot open " + path);
    H5ad out;
    std::string xpath = "X", varpath = "var";
    if (use_raw) {
        xpath = exists(f, "raw/X") ? "raw/X" : "raw.X";
        varpath = exists(f, "raw/var") ? "raw/var" : "raw.var";
    }
    out.X = read_matrix(f, xpath);
    out.var_names = dataframe_index(f, varpath);
    out.obs_names = dataframe_index(f, "obs");
    read_obs(f, out);
    read_obsm(f, out);
    for (const char* g : {"obsp/connectivities", "uns/neighbors/connectivities"}) {
        if (!exists(f, g)) continue;
        out.connectivities = read_matrix(f, g);
        out.connectivity_weights =
            read_numeric<double>(f, std::string(g) + "/data", H5T_NATIVE_DOUBLE);
        break;
    }
    return out;
}

std::vector<std::string> CsvTable::column(const std::string& name) const {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw std::runtime_error("no column " + name);
    const auto c = static_cast<std::size_t>(it - header.begin());
    std::vector<std::string> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(r.at(c));
    return out;
}

std::vector<double> CsvTable::numeric() const {
    std::vector<double> out;
    out.reserve(rows.size() * header.size());
    for (const auto& r : rows) {
        for (const auto& v : r) out.push_back(std::stod(v));
    }
    return out;
}

namespace {
std::vector<std::string> split_csv_line(const std::string& line) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cur += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cur += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.push_back(cur);
            cur.clear();
        } else if (c != '\r') {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}
}  // namespace

CsvTable read_csv(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    CsvTable t;
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        auto fields = split_csv_line(line);
        if (first) {
            t.header.assign(fields.begin() + 1, fields.end());
            first = false;
            continue;
        }
        t.index.push_back(fields[0]);
        t.rows.emplace_back(fields.begin() + 1, fields.end());
    }
    return t;
}

std::vector<std::uint8_t> read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace ct::testing
