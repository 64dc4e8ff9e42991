// Fuzz target: a safetensors file (8-byte header length, JSON header, data), read as a model shard is.
#include "fuzz_support.h"
#include "l1ra/error.h"
#include "io/safetensors.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = l1ra::fuzz::writeInputFile("model.safetensors", l1ra::fuzz::asString(data, size));
    try {
        l1ra::SafetensorsFile file(path);
        // Every view must lie inside the file: touching each byte lets AddressSanitizer check it.
        unsigned sum = 0;
        for (const auto& [name, view] : file.tensors()) {
            if (view.numel() * int64_t(l1ra::dtypeSize(view.dtype)) != int64_t(view.nbytes)) std::abort();
            for (std::size_t i = 0; i < view.nbytes; ++i) sum += view.data[i];
        }
        if (sum == 0xdeadbeef) std::abort();   // keeps the reads
    } catch (const l1ra::Error& e) {
        l1ra::fuzz::requireMentions(e, path);
    }
    return 0;
}
