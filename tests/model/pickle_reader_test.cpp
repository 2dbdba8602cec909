#include "model/pickle_reader.hpp"

#include <gtest/gtest.h>

#include <string>

#include "support/fixtures.hpp"

namespace ct::model {
namespace {

using namespace std::string_literals;

using testing::read_bytes;
using testing::shared_path;

Model load(const std::string& rel) {
    const auto b = read_bytes(shared_path(rel));
    return read_model(b.data(), b.size());
}

std::string error_of(const std::vector<std::uint8_t>& bytes) {
    try {
        read_model(bytes.data(), bytes.size());
    } catch (const ModelError& e) {
        return e.what();
    }
    return "";
}

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

TEST(PickleReader, LoadsLogisticRegressionFixture) {
    const Model m = load("fixtures/models/toy_lr.pkl");
    EXPECT_EQ(m.estimator, Estimator::LogisticRegression);
    EXPECT_EQ(m.labels, (std::vector<std::string>{"B cells", "CD4+ T cells", "CD8+ T cells",
                                                  "Classical monocytes", "NK cells", "Platelets"}));
    EXPECT_EQ(m.n_features(), 1495u);
    EXPECT_EQ(m.coef.size(), 6u * 1495u);
    EXPECT_EQ(m.intercept.size(), 6u);
    EXPECT_EQ(m.scaler_mean.size(), 1495u);
    EXPECT_TRUE(m.with_mean);
    EXPECT_EQ(m.scaler_n_samples_seen, 2000);
    EXPECT_EQ(m.description.date, "2024-01-01 00:00:00.000000");
    EXPECT_EQ(m.description.number_celltypes, 6);
}

TEST(PickleReader, Numpy2SpellingLoadsIdentically) {
    const Model a = load("fixtures/models/toy_lr.pkl");
    const Model b = load("fixtures/models/toy_lr_numpy2.pkl");
    EXPECT_EQ(a.features, b.features);
    EXPECT_EQ(a.coef, b.coef);
    EXPECT_EQ(a.intercept, b.intercept);
    EXPECT_EQ(a.scaler_scale, b.scaler_scale);
}

TEST(PickleReader, SgdModelWithUnicodeLabels) {
    const Model m = load("fixtures/models/toy_sgd.pkl");
    EXPECT_EQ(m.estimator, Estimator::SGDClassifier);
    ASSERT_EQ(m.labels.size(), 6u);
    EXPECT_EQ(m.labels[1], "CD4+ T cells");  // '<U19' fixed-width array, padding stripped
}

TEST(PickleReader, BinaryModelKeepsOneCoefRow) {
    const Model m = load("fixtures/models/toy_binary.pkl");
    EXPECT_TRUE(m.is_binary());
    EXPECT_EQ(m.coef.size(), m.n_features());
    EXPECT_EQ(m.intercept.size(), 1u);
}

TEST(PickleReader, RealSizedAndConvertedModels) {
    const Model bench = load("bench/bench98.pkl");
    EXPECT_EQ(bench.n_labels(), 98u);
    EXPECT_EQ(bench.n_features(), 6634u);
    const Model conv = load(
        "fixtures/real/expected/pbmc68k_bulk_to_mouse__pbmc68k_mouse_genes/converted_model.pkl");
    EXPECT_EQ(conv.n_features(), 612u);
    EXPECT_EQ(conv.n_labels(), 10u);
}

TEST(PickleReader, LegacyModelIsRefusedWithAClearMessage) {
    const std::string e = error_of(read_bytes(shared_path("fixtures/models/legacy_2020_sgd.pkl")));
    EXPECT_NE(e.find("legacy CellTypist model format"), std::string::npos) << e;
    EXPECT_NE(e.find("Download the current version"), std::string::npos) << e;
}

TEST(PickleReader, RefusesGlobalsOutsideTheAllowList) {
    // Protocol 2: GLOBAL 'posix system', then REDUCE with ('echo hi',) -- the classic exploit.
    const std::string evil =
        "\x80\x02"s + "cposix\nsystem\nq\x00"s + "X\x07\x00\x00\x00"s + "echo hi\x85R."s;
    const std::string e = error_of(bytes_of(evil));
    EXPECT_NE(e.find("refused to load"), std::string::npos) << e;
    EXPECT_NE(e.find("posix.system"), std::string::npos) << e;

    // Protocol 4: STACK_GLOBAL builtins.eval.
    const std::string evil4 =
        std::string("\x80\x04\x8c\x08") + "builtins" + "\x8c\x04" + "eval" + "\x93" + ")R.";
    EXPECT_NE(error_of(bytes_of(evil4)).find("builtins.eval"), std::string::npos);

    // An allow-listed class cannot be used to smuggle a call of something else.
    const std::string persid = "\x80\x02"s + "X\x01\x00\x00\x00"s + "xQ."s;
    EXPECT_NE(error_of(bytes_of(persid)).find("persistent ids"), std::string::npos);
}

TEST(PickleReader, ObjectsContainingThemselvesAreRefused) {
    // A dict holding itself (EMPTY_DICT, BINPUT 0, 'a', BINGET 0, SETITEM): shared ownership
    // could never free it (the fuzzer's leak report).
    const std::string self = "\x80\x02}q\x00"s + "X\x01\x00\x00\x00"s + "ah\x00s."s;
    EXPECT_NE(error_of(bytes_of(self)).find("an object contains itself"), std::string::npos);
    // Through another object: a list holding a dict that holds the list.
    const std::string loop = "\x80\x02]q\x00}"s + "X\x01\x00\x00\x00"s + "ah\x00sa."s;
    EXPECT_NE(error_of(bytes_of(loop)).find("an object contains itself"), std::string::npos);
}

TEST(PickleReader, DictBuiltFromItselfIsUnchanged) {
    // EMPTY_DICT, BINPUT 0, {1: 2} by SETITEMS, BINGET 0, BUILD: the state is the dict itself
    // (the fuzzer's heap-use-after-free). A dict is no model: the reader says so, no crash.
    const std::string self = "\x80\x02}q\x00(K\x01K\x02uh\x00b."s;
    EXPECT_FALSE(error_of(bytes_of(self)).empty());
}

TEST(PickleReader, EveryTruncationFailsCleanly) {
    const auto full = read_bytes(shared_path("fixtures/models/toy_lr_fs.pkl"));
    // Every prefix must raise a ModelError, never crash or succeed.
    for (std::size_t n = 0; n < full.size(); n += (n < 4096 ? 1 : 7)) {
        std::vector<std::uint8_t> prefix(full.begin(),
                                         full.begin() + static_cast<std::ptrdiff_t>(n));
        EXPECT_THROW(read_model(prefix.data(), prefix.size()), ModelError) << "prefix " << n;
    }
    EXPECT_NE(error_of({full.begin(), full.begin() + 5000}).find("truncated"), std::string::npos);
}

TEST(PickleReader, NotAPickle) {
    EXPECT_NE(error_of(bytes_of("")).find("empty"), std::string::npos);
    EXPECT_NE(error_of(bytes_of("\x89HDF\r\n\x1a\n")).find("not a Python pickle"),
              std::string::npos);
    EXPECT_NE(error_of(bytes_of("\x1f\x8b\x08")).find("gzip"), std::string::npos);
}

TEST(PickleReader, CorruptBytesNeverCrash) {
    auto bytes = read_bytes(shared_path("fixtures/models/toy_binary.pkl"));
    std::uint32_t state = 12345;
    for (int trial = 0; trial < 300; ++trial) {
        auto copy = bytes;
        for (int k = 0; k < 4; ++k) {
            state = state * 1664525u + 1013904223u;
            copy[state % copy.size()] = static_cast<std::uint8_t>(state >> 24);
        }
        try {
            read_model(copy.data(), copy.size());
        } catch (const ModelError&) {
        }
    }
    SUCCEED();
}

TEST(PickleReader, WrongTopLevelObject) {
    // A pickled empty dict.
    EXPECT_NE(error_of(bytes_of("\x80\x04}.")).find("has no 'Model'"), std::string::npos);
    // A pickled list.
    EXPECT_NE(error_of(bytes_of("\x80\x04].")).find("does not hold a dict"), std::string::npos);
}

}  // namespace
}  // namespace ct::model
