// Fuzz target: a model folder's config.json, parsed into a LlamaConfig.
#include "fuzz_support.h"
#include "l1ra/error.h"
#include "io/model_config.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string source = "fuzz/config.json";
    try {
        const l1ra::LlamaConfig c = l1ra::parseLlamaConfig(l1ra::fuzz::asString(data, size), source);
        // The sizes the model is built from must be usable: derived dimensions computed without overflow.
        if (c.qDim() <= 0 || c.kvDim() <= 0 || c.numLayers <= 0 || c.vocabSize <= 0 || c.eosIds.empty()) std::abort();
    } catch (const l1ra::Error& e) {
        l1ra::fuzz::requireMentions(e, source);
    }
    return 0;
}
