#include "model/pickle_vm.hpp"

#include <cmath>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

namespace ct::model::pickle {

namespace {

// Modules/names a CellTypist model may reference. Instances of these are inert placeholders:
// nothing is ever called, so allowing them cannot execute code.
struct AllowedGlobal {
    const char* module;
    const char* name;
};

constexpr AllowedGlobal kAllowed[] = {
    {"numpy.core.multiarray", "_reconstruct"},
    {"numpy._core.multiarray", "_reconstruct"},
    {"numpy.core.multiarray", "scalar"},
    {"numpy._core.multiarray", "scalar"},
    {"numpy.core.numeric", "_frombuffer"},
    {"numpy._core.numeric", "_frombuffer"},
    {"numpy", "ndarray"},
    {"numpy", "dtype"},
    {"copyreg", "_reconstructor"},
    {"copy_reg", "_reconstructor"},
    {"builtins", "object"},
    {"__builtin__", "object"},
    {"builtins", "set"},
    {"builtins", "frozenset"},
    {"builtins", "bytearray"},
    {"collections", "OrderedDict"},
    {"_codecs", "encode"},
    {"sklearn.linear_model._logistic", "LogisticRegression"},
    {"sklearn.linear_model.logistic", "LogisticRegression"},
    {"sklearn.linear_model._stochastic_gradient", "SGDClassifier"},
    {"sklearn.linear_model.stochastic_gradient", "SGDClassifier"},
    {"sklearn.preprocessing._data", "StandardScaler"},
    {"sklearn.preprocessing.data", "StandardScaler"},
    // SGDClassifier keeps its loss object; pickled as REDUCE(cls, ()) of a Cython type.
    {"sklearn.linear_model._sgd_fast", "Log"},
    {"sklearn.linear_model.sgd_fast", "Log"},
    {"sklearn.linear_model._sgd_fast", "Hinge"},
    {"sklearn.linear_model.sgd_fast", "Hinge"},
    {"sklearn.linear_model._sgd_fast", "ModifiedHuber"},
    {"sklearn.linear_model.sgd_fast", "ModifiedHuber"},
    {"sklearn.linear_model._sgd_fast", "SquaredHinge"},
    {"sklearn.linear_model._sgd_fast", "SquaredLoss"},
    {"sklearn.linear_model._sgd_fast", "Huber"},
    {"sklearn._loss._loss", "CyHalfBinomialLoss"},
};

bool is_numpy_multiarray(const std::string& m) {
    return m == "numpy.core.multiarray" || m == "numpy._core.multiarray";
}
bool is_numpy_numeric(const std::string& m) {
    return m == "numpy.core.numeric" || m == "numpy._core.numeric";
}

ObjectPtr make(Kind k) {
    auto o = std::make_shared<Object>();
    o->kind = k;
    return o;
}

std::string kind_name(Kind k) {
    switch (k) {
        case Kind::None:
            return "None";
        case Kind::Bool:
            return "bool";
        case Kind::Int:
            return "int";
        case Kind::Float:
            return "float";
        case Kind::Str:
            return "str";
        case Kind::Bytes:
            return "bytes";
        case Kind::List:
            return "list";
        case Kind::Tuple:
            return "tuple";
        case Kind::Dict:
            return "dict";
        case Kind::Set:
            return "set";
        case Kind::Global:
            return "class";
        case Kind::Instance:
            return "object";
        case Kind::Dtype:
            return "numpy.dtype";
        case Kind::Array:
            return "numpy.ndarray";
    }
    return "?";
}

// Parses a numpy dtype string such as "f8", "<f8", "O8", "U19", "|S10", "b1".
Dtype parse_dtype(const std::string& s) {
    Dtype d;
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '<' || s[i] == '>' || s[i] == '|' || s[i] == '='))
        d.byteorder = s[i++];
    if (i >= s.size()) throw PickleError("unsupported numpy dtype '" + s + "'");
    d.kind = s[i++];
    std::size_t n = 0;
    bool any = false;
    for (; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9' || n > 1'000'000'000)
            throw PickleError("unsupported numpy dtype '" + s + "'");
        n = n * 10 + static_cast<std::size_t>(s[i] - '0');
        any = true;
    }
    switch (d.kind) {
        case 'f':
        case 'i':
        case 'u':
            if (!any || (n != 1 && n != 2 && n != 4 && n != 8))
                throw PickleError("unsupported numpy dtype '" + s + "'");
            d.itemsize = n;
            break;
        case 'b':
            d.itemsize = 1;
            break;
        case 'O':
            d.itemsize = 8;
            break;
        case 'U':
            d.itemsize = 4 * n;  // UTF-32 code units
            break;
        case 'S':
            d.itemsize = n;
            break;
        default:
            throw PickleError("unsupported numpy dtype '" + s + "'");
    }
    return d;
}

/// Children of an object (items, dict entries, BUILD state, object-array elements).
template <class Fn>
void for_each_child(const Object& o, const Fn& fn) {
    for (const auto& i : o.items) fn(i);
    for (const auto& e : o.entries) fn(e.first), fn(e.second);
    fn(o.state);
    if (o.array)
        for (const auto& x : o.array->objects) fn(x);
}

/// Whether the graph under `root` has a cycle (hostile input: a container holding itself),
/// which shared ownership could never free. Iterative depth-first search.
bool has_cycle(const ObjectPtr& root) {
    std::unordered_set<const Object*> open, done;
    std::vector<std::pair<const Object*, bool>> todo{{root.get(), false}};
    while (!todo.empty()) {
        auto [o, leaving] = todo.back();
        todo.pop_back();
        if (!o) continue;
        if (leaving) {
            open.erase(o);
            done.insert(o);
            continue;
        }
        if (done.count(o)) continue;
        if (!open.insert(o).second) return true;
        todo.push_back({o, true});
        // A child still open when visited is an ancestor: the edge closes a cycle.
        for_each_child(*o, [&](const ObjectPtr& c) {
            if (c && !done.count(c.get())) todo.push_back({c.get(), false});
        });
    }
    return false;
}

/// Cuts every edge among the objects reachable from `roots`, so that cycles built by hostile
/// input are freed with the rest.
void cut_edges(std::vector<ObjectPtr> todo) {
    std::unordered_set<const Object*> seen;
    while (!todo.empty()) {
        ObjectPtr o = std::move(todo.back());
        todo.pop_back();
        if (!o || !seen.insert(o.get()).second) continue;
        for_each_child(*o, [&](const ObjectPtr& c) { todo.push_back(c); });
        o->items.clear();
        o->entries.clear();
        o->state.reset();
        if (o->array) o->array->objects.clear();
    }
}

// The rarely taken or large steps stay out of line: step() runs once per opcode, so V8 soon
// optimizes it, and with everything inlined it was an 80 KB function whose optimizing compile
// (~0.1-0.2 s of CPU, once per process) cost more than the whole parse.
#define NOINLINE __attribute__((noinline))

class Machine {
  public:
    Machine(const std::uint8_t* data, std::size_t size, const Limits& limits)
        : p_(data), end_(data + size), begin_(data), limits_(limits) {}

    /// After a failure: frees everything decoded so far, cycles included.
    void release() {
        std::vector<ObjectPtr> roots(stack_.begin(), stack_.end());
        for (auto& kv : memo_) roots.push_back(kv.second);
        stack_.clear();
        memo_.clear();
        cut_edges(std::move(roots));
    }

    ObjectPtr run() {
        if (p_ == end_) throw PickleError("the file is empty");
        while (true) {
            if (p_ >= end_) throw PickleError(truncated());
            const std::uint8_t op = *p_++;
            if (op == '.') break;
            step(op);
        }
        if (stack_.size() != 1)
            throw PickleError("corrupt pickle: stack holds " + std::to_string(stack_.size()) +
                              " objects at STOP");
        return stack_.back();
    }

  private:
    const std::uint8_t* p_;
    const std::uint8_t* end_;
    const std::uint8_t* begin_;
    Limits limits_;
    std::vector<ObjectPtr> stack_;
    std::vector<std::size_t> marks_;
    std::unordered_map<std::uint64_t, ObjectPtr> memo_;

    NOINLINE std::string truncated() const {
        return "the file is truncated or corrupt (pickle data ended unexpectedly at byte " +
               std::to_string(p_ - begin_) + ")";
    }
    NOINLINE std::string where() const { return " at byte " + std::to_string(p_ - begin_ - 1); }

    const std::uint8_t* take(std::uint64_t n) {
        if (n > static_cast<std::uint64_t>(end_ - p_)) throw PickleError(truncated());
        const std::uint8_t* q = p_;
        p_ += n;
        return q;
    }
    std::uint64_t le(int bytes) {
        const std::uint8_t* q = take(bytes);
        std::uint64_t v = 0;
        for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | q[i];
        return v;
    }
    NOINLINE std::string line() {
        const std::uint8_t* q = p_;
        while (q < end_ && *q != '\n') ++q;
        if (q >= end_) throw PickleError(truncated());
        std::string s(reinterpret_cast<const char*>(p_), q - p_);
        p_ = q + 1;
        return s;
    }

    void push(ObjectPtr o) {
        if (stack_.size() + memo_.size() >= limits_.max_objects)
            throw PickleError("pickle too large: object limit exceeded");
        stack_.push_back(std::move(o));
    }
    ObjectPtr pop() {
        const std::size_t floor = marks_.empty() ? 0 : marks_.back();
        if (stack_.size() <= floor) throw PickleError("corrupt pickle: stack underflow" + where());
        ObjectPtr o = std::move(stack_.back());
        stack_.pop_back();
        return o;
    }
    ObjectPtr& top() {
        const std::size_t floor = marks_.empty() ? 0 : marks_.back();
        if (stack_.size() <= floor) throw PickleError("corrupt pickle: stack underflow" + where());
        return stack_.back();
    }
    NOINLINE std::vector<ObjectPtr> pop_mark() {
        if (marks_.empty()) throw PickleError("corrupt pickle: missing MARK" + where());
        const std::size_t m = marks_.back();
        marks_.pop_back();
        std::vector<ObjectPtr> items(std::make_move_iterator(stack_.begin() + m),
                                     std::make_move_iterator(stack_.end()));
        stack_.resize(m);
        return items;
    }
    NOINLINE void memo_put(std::uint64_t key) {
        if (stack_.empty()) throw PickleError("corrupt pickle: memo of empty stack" + where());
        if (memo_.size() + stack_.size() >= limits_.max_objects)
            throw PickleError("pickle too large: object limit exceeded");
        memo_[key] = stack_.back();
    }
    NOINLINE void memo_get(std::uint64_t key) {
        auto it = memo_.find(key);
        if (it == memo_.end())
            throw PickleError("corrupt pickle: unknown memo key " + std::to_string(key) + where());
        push(it->second);
    }

    static ObjectPtr str(std::string s, Kind k = Kind::Str) {
        auto o = make(k);
        o->text = std::move(s);
        return o;
    }
    static ObjectPtr integer(std::int64_t v) {
        auto o = make(Kind::Int);
        o->integer = v;
        return o;
    }

    NOINLINE ObjectPtr long_bytes(std::uint64_t n) {
        const std::uint8_t* q = take(n);
        if (n > 8) throw PickleError("integer too large in pickle" + where());
        std::uint64_t v = 0;
        for (std::uint64_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(q[i]) << (8 * i);
        if (n > 0 && n < 8 && (q[n - 1] & 0x80)) v |= ~std::uint64_t{0} << (8 * n);  // sign-extend
        return integer(static_cast<std::int64_t>(v));
    }

    NOINLINE ObjectPtr global(const std::string& module, const std::string& name) {
        if (!is_allowed_global(module, name)) {
            throw PickleError("refused to load: the file references '" + module + "." + name +
                              "', which is not part of a CellTypist model (only numpy arrays and "
                              "scikit-learn estimators are allowed). Is this really a CellTypist "
                              "model file?");
        }
        auto o = make(Kind::Global);
        o->module = module;
        o->name = name;
        return o;
    }

    void check_depth() {
        if (marks_.size() >= limits_.max_depth) throw PickleError("pickle nested too deeply");
    }

    // Applies an allow-listed callable (REDUCE) to its argument tuple.
    NOINLINE ObjectPtr call(const ObjectPtr& fn, const ObjectPtr& args) {
        if (fn->kind != Kind::Global)
            throw PickleError("corrupt pickle: REDUCE on a " + kind_name(fn->kind) + where());
        if (args->kind != Kind::Tuple)
            throw PickleError("corrupt pickle: REDUCE arguments are not a tuple" + where());
        const auto& a = args->items;
        const std::string& m = fn->module;
        const std::string& n = fn->name;
        if (is_numpy_multiarray(m) && n == "_reconstruct") {
            auto o = make(Kind::Array);
            o->array = std::make_shared<Array>();
            return o;
        }
        if (m == "numpy" && n == "dtype") {
            if (a.empty() || a[0]->kind != Kind::Str)
                throw PickleError("corrupt numpy dtype" + where());
            auto o = make(Kind::Dtype);
            o->dtype = std::make_shared<Dtype>(parse_dtype(a[0]->text));
            return o;
        }
        if (is_numpy_multiarray(m) && n == "scalar") return scalar(a);
        if (is_numpy_numeric(m) && n == "_frombuffer") return frombuffer(a);
        if ((m == "copyreg" || m == "copy_reg") && n == "_reconstructor") {
            if (a.empty() || a[0]->kind != Kind::Global)
                throw PickleError("corrupt pickle: bad _reconstructor call" + where());
            return instance(a[0]);
        }
        if (m == "collections" && n == "OrderedDict") {
            auto d = make(Kind::Dict);
            if (!a.empty() && a[0]->kind == Kind::List) {
                for (const auto& kv : a[0]->items) {
                    if (kv->kind != Kind::List && kv->kind != Kind::Tuple) continue;
                    if (kv->items.size() == 2) d->entries.emplace_back(kv->items[0], kv->items[1]);
                }
            }
            return d;
        }
        if (m == "builtins" && (n == "set" || n == "frozenset")) {
            auto s = make(Kind::Set);
            if (!a.empty() && (a[0]->kind == Kind::List || a[0]->kind == Kind::Tuple))
                s->items = a[0]->items;
            return s;
        }
        if (m == "builtins" && n == "bytearray") {
            if (a.empty()) return str("", Kind::Bytes);
            if (a[0]->kind == Kind::Bytes) return str(a[0]->text, Kind::Bytes);
            return bytes_from_latin1(a);
        }
        if (m == "_codecs" && n == "encode") return bytes_from_latin1(a);
        // sklearn classes called with no arguments (Cython loss objects).
        if (m.rfind("sklearn.", 0) == 0) return instance(fn);
        throw PickleError("refused to load: cannot call '" + m + "." + n + "'");
    }

    NOINLINE static ObjectPtr instance(const ObjectPtr& cls) {
        auto o = make(Kind::Instance);
        o->module = cls->module;
        o->name = cls->name;
        return o;
    }

    // Protocol 2 pickles bytes as _codecs.encode(text, 'latin1').
    NOINLINE ObjectPtr bytes_from_latin1(const std::vector<ObjectPtr>& a) {
        if (a.empty() || a[0]->kind != Kind::Str)
            throw PickleError("corrupt pickle: bad bytes encoding" + where());
        const std::string& s = a[0]->text;
        std::string out;
        out.reserve(s.size());
        for (std::size_t i = 0; i < s.size();) {
            const auto c = static_cast<unsigned char>(s[i]);
            if (c < 0x80) {
                out.push_back(static_cast<char>(c));
                ++i;
            } else if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) {
                const unsigned cp =
                    ((c & 0x1F) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F);
                if (cp > 0xFF) throw PickleError("corrupt pickle: non-latin1 bytes" + where());
                out.push_back(static_cast<char>(cp));
                i += 2;
            } else {
                throw PickleError("corrupt pickle: non-latin1 bytes" + where());
            }
        }
        return str(std::move(out), Kind::Bytes);
    }

    NOINLINE ObjectPtr scalar(const std::vector<ObjectPtr>& a) {
        if (a.size() < 2 || a[0]->kind != Kind::Dtype || a[1]->kind != Kind::Bytes)
            throw PickleError("corrupt numpy scalar" + where());
        Array arr;
        arr.dtype = *a[0]->dtype;
        arr.shape = {};
        arr.raw = a[1]->text;
        if (arr.raw.size() != arr.dtype.itemsize)
            throw PickleError("corrupt numpy scalar" + where());
        return scalar_value(arr);
    }

    NOINLINE static ObjectPtr scalar_value(const Array& arr) {
        const Dtype& d = arr.dtype;
        const bool swap = d.byteorder == '>';
        auto read = [&](void* dst) {
            char buf[8];
            std::memcpy(buf, arr.raw.data(), d.itemsize);
            if (swap) {
                for (std::size_t i = 0; i < d.itemsize / 2; ++i)
                    std::swap(buf[i], buf[d.itemsize - 1 - i]);
            }
            std::memcpy(dst, buf, d.itemsize);
        };
        if (d.kind == 'f') {
            auto o = make(Kind::Float);
            if (d.itemsize == 8) {
                read(&o->real);
            } else if (d.itemsize == 4) {
                float f;
                read(&f);
                o->real = f;
            } else {
                throw PickleError("unsupported float scalar size");
            }
            return o;
        }
        if (d.kind == 'i' || d.kind == 'u' || d.kind == 'b') {
            std::uint64_t u = 0;
            unsigned char buf[8] = {0};
            std::memcpy(buf, arr.raw.data(), d.itemsize);
            for (std::size_t i = 0; i < d.itemsize; ++i) {
                const std::size_t src = swap ? d.itemsize - 1 - i : i;
                u |= static_cast<std::uint64_t>(buf[src]) << (8 * i);
            }
            if (d.kind == 'i' && d.itemsize < 8 && (u >> (8 * d.itemsize - 1)) & 1)
                u |= ~std::uint64_t{0} << (8 * d.itemsize);
            if (d.kind == 'b') {
                auto o = make(Kind::Bool);
                o->boolean = u != 0;
                return o;
            }
            return integer(static_cast<std::int64_t>(u));
        }
        throw PickleError("unsupported numpy scalar type");
    }

    NOINLINE ObjectPtr frombuffer(const std::vector<ObjectPtr>& a) {
        // _frombuffer(buffer, dtype, shape, order)
        if (a.size() < 4 || a[0]->kind != Kind::Bytes || a[1]->kind != Kind::Dtype ||
            a[2]->kind != Kind::Tuple)
            throw PickleError("corrupt numpy buffer" + where());
        auto o = make(Kind::Array);
        o->array = std::make_shared<Array>();
        o->array->dtype = *a[1]->dtype;
        set_shape(*o->array, a[2]);
        o->array->fortran_order = a[3]->kind == Kind::Str && a[3]->text == "F";
        o->array->raw = a[0]->text;
        check_array_bytes(*o->array);
        return o;
    }

    NOINLINE void set_shape(Array& arr, const ObjectPtr& shape) {
        arr.shape.clear();
        std::uint64_t total = 1;
        for (const auto& s : shape->items) {
            if (s->kind != Kind::Int || s->integer < 0)
                throw PickleError("corrupt numpy array shape" + where());
            arr.shape.push_back(static_cast<std::size_t>(s->integer));
            total *= static_cast<std::uint64_t>(s->integer);
            if (total > (std::uint64_t{1} << 40))
                throw PickleError("corrupt numpy array shape" + where());
        }
    }

    NOINLINE void check_array_bytes(const Array& arr) {
        if (arr.dtype.kind == 'O') {
            if (arr.objects.size() != arr.size())
                throw PickleError("corrupt numpy object array: size does not match shape" +
                                  where());
        } else if (arr.raw.size() != arr.size() * arr.dtype.itemsize) {
            throw PickleError("corrupt numpy array: " + std::to_string(arr.raw.size()) +
                              " data bytes for " + std::to_string(arr.size()) + " elements" +
                              where());
        }
    }

    NOINLINE void build(const ObjectPtr& obj, const ObjectPtr& state) {
        switch (obj->kind) {
            case Kind::Array: {
                // (version, shape, dtype, is_fortran, data) or without version.
                if (state->kind != Kind::Tuple)
                    throw PickleError("corrupt numpy array state" + where());
                const auto& s = state->items;
                const std::size_t off = s.size() == 5 ? 1 : 0;
                if (s.size() != 4 + off) throw PickleError("corrupt numpy array state" + where());
                Array& arr = *obj->array;
                if (s[off]->kind != Kind::Tuple || s[off + 1]->kind != Kind::Dtype)
                    throw PickleError("corrupt numpy array state" + where());
                set_shape(arr, s[off]);
                arr.dtype = *s[off + 1]->dtype;
                arr.fortran_order =
                    s[off + 2]->kind == Kind::Bool ? s[off + 2]->boolean : s[off + 2]->integer != 0;
                const auto& data = s[off + 3];
                if (arr.dtype.kind == 'O') {
                    if (data->kind != Kind::List)
                        throw PickleError("corrupt numpy object array" + where());
                    arr.objects = data->items;
                } else if (data->kind == Kind::Bytes || data->kind == Kind::Str) {
                    arr.raw = data->text;
                } else {
                    throw PickleError("corrupt numpy array data" + where());
                }
                check_array_bytes(arr);
                return;
            }
            case Kind::Dtype: {
                // (version, byteorder, subarray, names, fields, elsize, alignment, flags)
                if (state->kind != Kind::Tuple || state->items.size() < 2)
                    throw PickleError("corrupt numpy dtype state" + where());
                const auto& s = state->items;
                if (s[1]->kind == Kind::Str && s[1]->text.size() == 1)
                    obj->dtype->byteorder = s[1]->text[0];
                if (s.size() >= 4 && s[3]->kind != Kind::None)
                    throw PickleError("structured numpy dtypes are not supported in a model file");
                if (s.size() >= 6 && s[5]->kind == Kind::Int && s[5]->integer > 0 &&
                    (obj->dtype->kind == 'U' || obj->dtype->kind == 'S')) {
                    obj->dtype->itemsize = static_cast<std::size_t>(s[5]->integer);
                }
                return;
            }
            case Kind::Instance:
                // (dict, slots) tuples happen for objects with __slots__; keep the dict part.
                if (state->kind == Kind::Tuple && !state->items.empty()) {
                    obj->state = state->items[0];
                } else {
                    obj->state = state;
                }
                return;
            case Kind::Dict:
                if (state->kind == Kind::Dict) {
                    // A dict updated with itself is unchanged; appending its own entries while
                    // reading them would read freed memory when the vector grows (fuzzer).
                    if (state != obj)
                        obj->entries.insert(obj->entries.end(), state->entries.begin(),
                                            state->entries.end());
                    return;
                }
                break;
            default:
                break;
        }
        throw PickleError("corrupt pickle: BUILD on a " + kind_name(obj->kind) + where());
    }

    NOINLINE void set_item(const ObjectPtr& dict, ObjectPtr key, ObjectPtr value) {
        if (dict->kind != Kind::Dict)
            throw PickleError("corrupt pickle: SETITEM on a " + kind_name(dict->kind) + where());
        if (key->kind == Kind::Str) {
            for (auto& kv : dict->entries) {
                if (kv.first->kind == Kind::Str && kv.first->text == key->text) {
                    kv.second = std::move(value);
                    return;
                }
            }
        }
        dict->entries.emplace_back(std::move(key), std::move(value));
    }

    // Protocol-0 text arguments (INT, LONG, FLOAT, PUT, GET): rare in model files.
    NOINLINE ObjectPtr text_integer() {
        std::string s = line();
        if (!s.empty() && s.back() == 'L') s.pop_back();
        if (s == "00" || s == "01") {
            auto o = make(Kind::Bool);
            o->boolean = s == "01";
            return o;
        }
        try {
            std::size_t used = 0;
            const long long v = std::stoll(s, &used);
            if (used != s.size()) throw std::invalid_argument("x");
            return integer(v);
        } catch (const std::exception&) {
            throw PickleError("corrupt pickle: bad integer" + where());
        }
    }
    NOINLINE ObjectPtr text_float() {
        const std::string s = line();
        auto o = make(Kind::Float);
        try {
            o->real = std::stod(s);
        } catch (const std::exception&) {
            throw PickleError("corrupt pickle: bad float" + where());
        }
        return o;
    }
    NOINLINE std::uint64_t text_key(const char* op) {
        const std::string s = line();
        try {
            return std::stoull(s);
        } catch (const std::exception&) {
            throw PickleError(std::string("corrupt pickle: bad ") + op + where());
        }
    }
    [[noreturn]] NOINLINE void unknown_opcode(std::uint8_t op) const {
        char buf[8];
        std::snprintf(buf, sizeof buf, "0x%02x", op);
        throw PickleError(std::string("not a valid pickle: unknown opcode ") + buf + where() +
                          " (the file is corrupt or not a model .pkl)");
    }

    void step(std::uint8_t op) {
        switch (op) {
            case 0x80:  // PROTO
            {
                const auto v = le(1);
                if (v > 5) throw PickleError("unsupported pickle protocol " + std::to_string(v));
                return;
            }
            case 0x95:  // FRAME (length is advisory)
                le(8);
                return;
            case '(':  // MARK
                check_depth();
                marks_.push_back(stack_.size());
                return;
            case '0':  // POP
                if (!marks_.empty() && marks_.back() == stack_.size()) {
                    marks_.pop_back();
                } else {
                    pop();
                }
                return;
            case '1':  // POP_MARK
                pop_mark();
                return;
            case '2':  // DUP
                push(top());
                return;
            case 'N':
                push(make(Kind::None));
                return;
            case 0x88:
            case 0x89: {
                auto o = make(Kind::Bool);
                o->boolean = op == 0x88;
                push(o);
                return;
            }
            case 'J':
                push(integer(static_cast<std::int32_t>(le(4))));
                return;
            case 'K':
                push(integer(static_cast<std::int64_t>(le(1))));
                return;
            case 'M':
                push(integer(static_cast<std::int64_t>(le(2))));
                return;
            case 0x8a:
                push(long_bytes(le(1)));
                return;
            case 0x8b:
                push(long_bytes(le(4)));
                return;
            case 'I':
            case 'L':
                push(text_integer());
                return;
            case 'G': {
                const std::uint8_t* q = take(8);
                std::uint64_t u = 0;
                for (int i = 0; i < 8; ++i) u = (u << 8) | q[i];
                auto o = make(Kind::Float);
                std::memcpy(&o->real, &u, 8);
                push(o);
                return;
            }
            case 'F':
                push(text_float());
                return;
            case 'X': {
                const auto n = le(4);
                push(str(std::string(reinterpret_cast<const char*>(take(n)), n)));
                return;
            }
            case 0x8c: {
                const auto n = le(1);
                push(str(std::string(reinterpret_cast<const char*>(take(n)), n)));
                return;
            }
            case 0x8d: {
                const auto n = le(8);
                push(str(std::string(reinterpret_cast<const char*>(take(n)), n)));
                return;
            }
            case 'T':
            case 'U': {  // Python 2 str: treated as text (ASCII in model files)
                const auto n = le(op == 'T' ? 4 : 1);
                push(str(std::string(reinterpret_cast<const char*>(take(n)), n)));
                return;
            }
            case 'B':
            case 'C':
            case 0x8e:
            case 0x96: {
                const auto n = le(op == 'B' ? 4 : op == 'C' ? 1 : 8);
                push(str(std::string(reinterpret_cast<const char*>(take(n)), n), Kind::Bytes));
                return;
            }
            case ']':
                push(make(Kind::List));
                return;
            case ')':
                push(make(Kind::Tuple));
                return;
            case '}':
                push(make(Kind::Dict));
                return;
            case 0x8f:
                push(make(Kind::Set));
                return;
            case 'l': {
                auto o = make(Kind::List);
                o->items = pop_mark();
                push(o);
                return;
            }
            case 't': {
                auto o = make(Kind::Tuple);
                o->items = pop_mark();
                push(o);
                return;
            }
            case 0x91: {
                auto o = make(Kind::Set);
                o->items = pop_mark();
                push(o);
                return;
            }
            case 0x85:
            case 0x86:
            case 0x87: {
                const int n = op - 0x84;
                auto o = make(Kind::Tuple);
                o->items.resize(n);
                for (int i = n - 1; i >= 0; --i) o->items[i] = pop();
                push(o);
                return;
            }
            case 'd': {
                auto items = pop_mark();
                if (items.size() % 2) throw PickleError("corrupt pickle: odd DICT" + where());
                auto o = make(Kind::Dict);
                for (std::size_t i = 0; i < items.size(); i += 2)
                    set_item(o, items[i], items[i + 1]);
                push(o);
                return;
            }
            case 'a': {
                auto v = pop();
                auto& l = top();
                if (l->kind != Kind::List)
                    throw PickleError("corrupt pickle: APPEND to a " + kind_name(l->kind) +
                                      where());
                l->items.push_back(std::move(v));
                return;
            }
            case 'e': {
                auto items = pop_mark();
                auto& l = top();
                if (l->kind != Kind::List)
                    throw PickleError("corrupt pickle: APPENDS to a " + kind_name(l->kind) +
                                      where());
                for (auto& i : items) l->items.push_back(std::move(i));
                return;
            }
            case 0x90: {
                auto items = pop_mark();
                auto& s = top();
                if (s->kind != Kind::Set)
                    throw PickleError("corrupt pickle: ADDITEMS to a " + kind_name(s->kind) +
                                      where());
                for (auto& i : items) s->items.push_back(std::move(i));
                return;
            }
            case 's': {
                auto v = pop();
                auto k = pop();
                set_item(top(), std::move(k), std::move(v));
                return;
            }
            case 'u': {
                auto items = pop_mark();
                if (items.size() % 2) throw PickleError("corrupt pickle: odd SETITEMS" + where());
                auto d = top();
                for (std::size_t i = 0; i < items.size(); i += 2)
                    set_item(d, items[i], items[i + 1]);
                return;
            }
            case 'c': {
                const std::string module = line();
                const std::string name = line();
                push(global(module, name));
                return;
            }
            case 0x93: {
                auto name = pop();
                auto module = pop();
                if (module->kind != Kind::Str || name->kind != Kind::Str)
                    throw PickleError("corrupt pickle: bad STACK_GLOBAL" + where());
                push(global(module->text, name->text));
                return;
            }
            case 'R': {
                auto args = pop();
                auto fn = pop();
                push(call(fn, args));
                return;
            }
            case 0x81: {  // NEWOBJ cls.__new__(cls, *args)
                auto args = pop();
                auto cls = pop();
                if (cls->kind != Kind::Global)
                    throw PickleError("corrupt pickle: NEWOBJ on a " + kind_name(cls->kind) +
                                      where());
                if (cls->module == "collections" && cls->name == "OrderedDict") {
                    push(make(Kind::Dict));
                } else {
                    push(instance(cls));
                }
                return;
            }
            case 0x92: {  // NEWOBJ_EX
                pop();
                pop();
                auto cls = pop();
                if (cls->kind != Kind::Global)
                    throw PickleError("corrupt pickle: NEWOBJ_EX on a " + kind_name(cls->kind) +
                                      where());
                push(instance(cls));
                return;
            }
            case 'b': {
                auto state = pop();
                build(top(), state);
                return;
            }
            case 'p':
                memo_put(text_key("PUT"));
                return;
            case 'q':
                memo_put(le(1));
                return;
            case 'r':
                memo_put(le(4));
                return;
            case 0x94:
                memo_put(memo_.size());
                return;
            case 'g':
                memo_get(text_key("GET"));
                return;
            case 'h':
                memo_get(le(1));
                return;
            case 'j':
                memo_get(le(4));
                return;
            case 'P':
            case 'Q':
                throw PickleError(
                    "refused to load: the pickle uses persistent ids, which a CellTypist model "
                    "never does");
            case 0x97:
            case 0x98:
                throw PickleError(
                    "refused to load: the pickle uses out-of-band buffers (protocol 5), which a "
                    "saved model file cannot");
            case 0x82:
            case 0x83:
            case 0x84:
                throw PickleError(
                    "refused to load: the pickle uses the extension registry, which a CellTypist "
                    "model never does");
            case 'i':
            case 'o':
                throw PickleError(
                    "refused to load: protocol-0/1 object construction (INST/OBJ) is not supported "
                    "in model files");
            default:
                unknown_opcode(op);
        }
    }
};

}  // namespace

std::size_t Array::size() const {
    std::size_t n = 1;
    for (auto s : shape) n *= s;
    return n;
}

namespace {
void take_children(Object& o, std::vector<ObjectPtr>& out) {
    for (auto& i : o.items) out.push_back(std::move(i));
    o.items.clear();
    for (auto& kv : o.entries) {
        out.push_back(std::move(kv.first));
        out.push_back(std::move(kv.second));
    }
    o.entries.clear();
    if (o.state) out.push_back(std::move(o.state));
    if (o.array && o.array.use_count() == 1) {
        for (auto& i : o.array->objects) out.push_back(std::move(i));
        o.array->objects.clear();
    }
}
}  // namespace

Object::~Object() {
    std::vector<ObjectPtr> pending;
    take_children(*this, pending);
    while (!pending.empty()) {
        ObjectPtr p = std::move(pending.back());
        pending.pop_back();
        if (p && p.use_count() == 1) take_children(*p, pending);
    }
}

ObjectPtr Object::get(const std::string& key) const {
    if (kind != Kind::Dict) return nullptr;
    for (const auto& kv : entries) {
        if (kv.first->kind == Kind::Str && kv.first->text == key) return kv.second;
    }
    return nullptr;
}

bool is_allowed_global(const std::string& module, const std::string& name) {
    for (const auto& a : kAllowed) {
        if (module == a.module && name == a.name) return true;
    }
    return false;
}

ObjectPtr load(const std::uint8_t* data, std::size_t size, const Limits& limits) {
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
        throw PickleError("this is a gzip-compressed file, not a model .pkl: decompress it first");
    }
    if (size > 0 && data[0] != 0x80 && data[0] != '(' && data[0] != ']' && data[0] != '}' &&
        data[0] != 'c') {
        throw PickleError(
            "not a CellTypist model: the file is not a Python pickle (wrong first byte)");
    }
    Machine m(data, size, limits);
    ObjectPtr root;
    try {
        root = m.run();
    } catch (...) {
        m.release();
        throw;
    }
    if (has_cycle(root)) {
        m.release();
        throw PickleError("corrupt pickle: an object contains itself");
    }
    return root;
}

}  // namespace ct::model::pickle
