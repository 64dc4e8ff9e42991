// Fuzz target: a tokenizer.json loaded as the model's tokenizer, then a short text encoded and decoded with it.
#include "fuzz_support.h"
#include "l1ra/error.h"
#include "text/hf_tokenizer.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = l1ra::fuzz::writeInputFile("tokenizer.json", l1ra::fuzz::asString(data, size));
    std::unique_ptr<l1ra::text::HfTokenizer> tokenizer;
    try {
        tokenizer = std::make_unique<l1ra::text::HfTokenizer>(path, l1ra::text::TokenizerConfig{});
    } catch (const l1ra::Error& e) {
        l1ra::fuzz::requireMentions(e, path);
        return 0;
    }
    try {
        const auto ids = tokenizer->encode("Hello world! Ünïcødé 123 <s>\n\ttabs  ", true);
        for (auto id : ids)
            if (id < 0 || id >= tokenizer->vocabSize()) std::abort();
        tokenizer->decode(ids);
    } catch (const l1ra::Error&) {
        // Encoding may refuse text the vocabulary cannot express; it must say so with an l1ra::Error.
    }
    return 0;
}
