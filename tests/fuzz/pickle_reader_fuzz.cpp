// libFuzzer target: the model reader must reject any byte string with a ModelError, never crash,
// hang or allocate without bound. Seeds: ../shared/fixtures/models (see scripts/fuzz.sh).
#include <cstddef>
#include <cstdint>

#include "model/pickle_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto m = ct::model::read_model(data, size);
        (void)m;
    } catch (const ct::model::ModelError&) {
    }
    return 0;
}
