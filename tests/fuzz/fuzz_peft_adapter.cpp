// Fuzz target: a peft LoRA adapter as the adapter reader sees it. The input is adapter_config.json, then a line
// "#safetensors" and the bytes of adapter_model.safetensors.
#include "io/adapter_files.h"
#include "fuzz_support.h"
#include "l1ra/error.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto [configText, weights] = l1ra::fuzz::splitAt(l1ra::fuzz::asString(data, size), "\n#safetensors\n");
    const std::string configPath = "fuzz/adapter_config.json";
    l1ra::PeftAdapterConfig config;
    try {
        config = l1ra::parsePeftAdapterConfig(configText, configPath);
    } catch (const l1ra::Error& e) {
        l1ra::fuzz::requireMentions(e, configPath);
        return 0;
    }
    const std::string path = l1ra::fuzz::writeInputFile("adapter_model.safetensors", weights);
    try {
        l1ra::SafetensorsFile file(path);
        for (const auto& [module, ab] : l1ra::peftModuleTensors(file)) {
            int layer = -1, projection = -1;
            if (!l1ra::parseModuleName(module, &layer, &projection) || layer < 0 || projection < 0 || projection > 6)
                std::abort();
            config.rankFor(module);
            config.alphaFor(module);
        }
    } catch (const l1ra::Error& e) {
        l1ra::fuzz::requireMentions(e, path);
    }
    return 0;
}
