#include "model/pickle_reader.hpp"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "model/pickle_vm.hpp"

namespace ct::model {

namespace {

using pickle::Array;
using pickle::Kind;
using pickle::ObjectPtr;

[[noreturn]] void fail(const std::string& what) {
    throw ModelError("not a usable CellTypist model: " + what);
}

ObjectPtr require(const ObjectPtr& dict, const std::string& key, const std::string& owner) {
    ObjectPtr v = dict ? dict->get(key) : nullptr;
    if (!v) fail(owner + " has no '" + key + "'");
    return v;
}

const Array& array_of(const ObjectPtr& o, const std::string& name) {
    if (!o || o->kind != Kind::Array || !o->array) fail("'" + name + "' is not a numpy array");
    return *o->array;
}

// Element i of a numeric array as double, honouring dtype and byte order.
double element(const Array& a, std::size_t i) {
    const auto& d = a.dtype;
    const char* src = a.raw.data() + i * d.itemsize;
    unsigned char buf[8];
    std::memcpy(buf, src, d.itemsize);
    if (d.byteorder == '>') {
        for (std::size_t k = 0; k < d.itemsize / 2; ++k) std::swap(buf[k], buf[d.itemsize - 1 - k]);
    }
    switch (d.kind) {
        case 'f':
            if (d.itemsize == 8) {
                double v;
                std::memcpy(&v, buf, 8);
                return v;
            }
            if (d.itemsize == 4) {
                float v;
                std::memcpy(&v, buf, 4);
                return v;
            }
            break;
        case 'i':
        case 'u':
        case 'b': {
            std::uint64_t u = 0;
            for (std::size_t k = 0; k < d.itemsize; ++k)
                u |= static_cast<std::uint64_t>(buf[k]) << (8 * k);
            if (d.kind == 'i' && d.itemsize < 8 && ((u >> (8 * d.itemsize - 1)) & 1))
                u |= ~std::uint64_t{0} << (8 * d.itemsize);
            return d.kind == 'i' ? static_cast<double>(static_cast<std::int64_t>(u))
                                 : static_cast<double>(u);
        }
        default:
            break;
    }
    fail("numeric array has unsupported dtype '" + std::string(1, d.kind) +
         std::to_string(d.itemsize) + "'");
}

/// Element by element into row-major `out` (r x c), from any numeric dtype and order.
void convert_elements(const Array& a, std::size_t r, std::size_t c, std::vector<double>& out) {
    for (std::size_t i = 0; i < r; ++i) {
        for (std::size_t j = 0; j < c; ++j) {
            const std::size_t src = a.fortran_order ? j * r + i : i * c + j;
            out[i * c + j] = element(a, src);
        }
    }
}

/// A numeric array as row-major doubles (converting Fortran order).
std::vector<double> doubles(const ObjectPtr& o, const std::string& name,
                            std::size_t* rows = nullptr, std::size_t* cols = nullptr) {
    const Array& a = array_of(o, name);
    if (a.dtype.kind == 'O' || a.dtype.kind == 'U' || a.dtype.kind == 'S')
        fail("'" + name + "' is not numeric");
    if (a.shape.size() > 2)
        fail("'" + name + "' has " + std::to_string(a.shape.size()) + " dimensions");
    const std::size_t r = a.shape.size() == 2 ? a.shape[0] : 1;
    const std::size_t c = a.shape.empty() ? 1 : a.shape.back();
    std::vector<double> out(r * c);
    if (a.dtype.kind == 'f' && a.dtype.itemsize == 8 && a.dtype.byteorder != '>' &&
        (!a.fortran_order || r == 1 || c == 1) && a.raw.size() >= out.size() * 8) {
        // float64 in memory order (as sklearn stores coef_ and the scaler): one copy instead of
        // a call per element (a 98 x 6,639 model has 650k).
        std::memcpy(out.data(), a.raw.data(), out.size() * 8);
    } else {
        convert_elements(a, r, c, out);
    }
    for (double v : out) {
        if (!std::isfinite(v)) fail("'" + name + "' contains NaN or infinite values");
    }
    if (rows) *rows = a.shape.size() == 2 ? r : 0;
    if (cols) *cols = c;
    return out;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x110000) {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        fail("a label contains an invalid unicode character");
    }
}

/// A 1-D array of strings (object array of str, numpy unicode 'U', or bytes 'S').
std::vector<std::string> strings(const ObjectPtr& o, const std::string& name) {
    const Array& a = array_of(o, name);
    if (a.shape.size() != 1) fail("'" + name + "' is not a 1-D array");
    std::vector<std::string> out;
    out.reserve(a.size());
    if (a.dtype.kind == 'O') {
        for (const auto& e : a.objects) {
            if (e->kind == Kind::Str || e->kind == Kind::Bytes) {
                out.push_back(e->text);
            } else if (e->kind == Kind::Int) {
                out.push_back(std::to_string(e->integer));  // integer class labels
            } else {
                fail("'" + name + "' holds non-string values");
            }
        }
    } else if (a.dtype.kind == 'U') {
        const std::size_t chars = a.dtype.itemsize / 4;
        for (std::size_t i = 0; i < a.size(); ++i) {
            std::string s;
            for (std::size_t k = 0; k < chars; ++k) {
                const auto* b =
                    reinterpret_cast<const unsigned char*>(a.raw.data() + (i * chars + k) * 4);
                const std::uint32_t cp =
                    a.dtype.byteorder == '>'
                        ? (std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 |
                           std::uint32_t{b[2]} << 8 | b[3])
                        : (std::uint32_t{b[3]} << 24 | std::uint32_t{b[2]} << 16 |
                           std::uint32_t{b[1]} << 8 | b[0]);
                if (cp == 0) break;  // numpy pads with NULs
                append_utf8(s, cp);
            }
            out.push_back(std::move(s));
        }
    } else if (a.dtype.kind == 'S') {
        for (std::size_t i = 0; i < a.size(); ++i) {
            std::string s(a.raw.data() + i * a.dtype.itemsize, a.dtype.itemsize);
            s.erase(s.find_last_not_of('\0') + 1);
            out.push_back(std::move(s));
        }
    } else if (a.dtype.kind == 'i' || a.dtype.kind == 'u') {
        for (std::size_t i = 0; i < a.size(); ++i)
            out.push_back(std::to_string(static_cast<std::int64_t>(element(a, i))));
    } else {
        fail("'" + name + "' is not an array of strings");
    }
    return out;
}

bool truthy(const ObjectPtr& o, bool fallback) {
    if (!o) return fallback;
    if (o->kind == Kind::Bool) return o->boolean;
    if (o->kind == Kind::Int) return o->integer != 0;
    return fallback;
}

std::string text(const ObjectPtr& o) {
    if (!o) return {};
    if (o->kind == Kind::Str || o->kind == Kind::Bytes) return o->text;
    if (o->kind == Kind::Int) return std::to_string(o->integer);
    if (o->kind == Kind::Float) return std::to_string(o->real);
    return {};
}

bool is_classifier(const ObjectPtr& o) {
    return o && o->kind == Kind::Instance &&
           (o->name == "LogisticRegression" || o->name == "SGDClassifier");
}

}  // namespace

Model read_model(const std::uint8_t* data, std::size_t size) {
    ObjectPtr root;
    try {
        root = pickle::load(data, size);
    } catch (const pickle::PickleError& e) {
        throw ModelError(e.what());
    }
    if (is_classifier(root)) {
        throw ModelError(
            "legacy CellTypist model format (2020): the file holds a bare " + root->name +
            " without a scaler or description, which current CellTypist cannot use either. "
            "Download the current version of this model from the CellTypist model catalog.");
    }
    if (!root || root->kind != Kind::Dict)
        fail("the pickle does not hold a dict with 'Model', 'Scaler_' and 'description'");

    const ObjectPtr clf = require(root, "Model", "the model file");
    if (!is_classifier(clf))
        fail("'Model' is not a scikit-learn LogisticRegression or SGDClassifier");
    const ObjectPtr scaler = require(root, "Scaler_", "the model file");
    if (!scaler || scaler->kind != Kind::Instance || scaler->name != "StandardScaler")
        fail("'Scaler_' is not a scikit-learn StandardScaler");
    const ObjectPtr cs = clf->state;
    const ObjectPtr ss = scaler->state;
    if (!cs || cs->kind != Kind::Dict) fail("the classifier has no fitted state");
    if (!ss || ss->kind != Kind::Dict) fail("the scaler has no fitted state");

    Model m;
    m.estimator =
        clf->name == "SGDClassifier" ? Estimator::SGDClassifier : Estimator::LogisticRegression;
    m.labels = strings(require(cs, "classes_", "the classifier"), "classes_");
    m.features = strings(require(cs, "features", "the classifier"), "features");
    std::size_t rows = 0, cols = 0;
    m.coef = doubles(require(cs, "coef_", "the classifier"), "coef_", &rows, &cols);
    m.intercept = doubles(require(cs, "intercept_", "the classifier"), "intercept_");

    if (m.labels.size() < 2) fail("the classifier has fewer than two cell types");
    if (rows != m.coef_rows()) {
        fail("coef_ has " + std::to_string(rows) + " rows for " + std::to_string(m.labels.size()) +
             " cell types");
    }
    if (cols != m.features.size()) {
        fail("coef_ has " + std::to_string(cols) + " columns but the model lists " +
             std::to_string(m.features.size()) + " genes");
    }
    if (m.intercept.size() != rows) fail("intercept_ does not match coef_");

    m.with_mean = truthy(ss->get("with_mean"), true);
    m.with_std = truthy(ss->get("with_std"), true);
    const std::size_t nf = m.features.size();
    auto optional_vector = [&](const char* key, double fill) {
        ObjectPtr v = ss->get(key);
        if (!v || v->kind == Kind::None) return std::vector<double>(nf, fill);
        std::vector<double> out = doubles(v, std::string("Scaler_.") + key);
        if (out.size() != nf)
            fail(std::string("Scaler_.") + key + " has " + std::to_string(out.size()) +
                 " values for " + std::to_string(nf) + " genes");
        return out;
    };
    m.scaler_mean = optional_vector("mean_", 0.0);
    m.scaler_scale = optional_vector("scale_", 1.0);
    m.scaler_var = optional_vector("var_", 1.0);
    if (!m.with_mean) std::fill(m.scaler_mean.begin(), m.scaler_mean.end(), 0.0);
    for (double s : m.scaler_scale) {
        if (!(s > 0)) fail("Scaler_.scale_ has a zero or negative value");
    }
    if (ObjectPtr n = ss->get("n_samples_seen_"); n && n->kind == Kind::Int)
        m.scaler_n_samples_seen = n->integer;

    if (ObjectPtr d = root->get("description"); d && d->kind == Kind::Dict) {
        m.description.date = text(d->get("date"));
        m.description.details = text(d->get("details"));
        m.description.url = text(d->get("url"));
        m.description.source = text(d->get("source"));
        m.description.version = text(d->get("version"));
        if (ObjectPtr n = d->get("number_celltypes"); n && n->kind == Kind::Int)
            m.description.number_celltypes = n->integer;
    }
    if (m.description.number_celltypes == 0)
        m.description.number_celltypes = static_cast<std::int64_t>(m.labels.size());
    return m;
}

}  // namespace ct::model
