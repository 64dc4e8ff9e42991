// The public entry points: which file of a model folder is the tokenizer, and loading it.
#include "l1ra/error.h"
#include "l1ra/text_tokenizer.h"
#include "text/hf_tokenizer.h"
#include "text/normalizers.h"
#include "text/regex.h"
#include "text/sentencepiece_tokenizer.h"

#include <filesystem>

namespace l1ra {

namespace {

bool isJsonTokenizer(const std::string& file) { return std::filesystem::path(file).extension() == ".json"; }

}  // namespace

std::vector<int64_t> Tokenizer::encode(const std::string& text, bool addSpecial) const {
    return encodeWithOffsets(text, addSpecial).ids;
}

std::string tokenizerFileIn(const std::string& modelDir) {
    for (const char* name : {"tokenizer.json", "tokenizer.model"}) {
        const std::string path = modelDir + "/" + name;
        if (std::filesystem::is_regular_file(path)) return path;
    }
    return {};
}

std::string tokenizerSupportProblem(const std::string& file) {
    if (!isJsonTokenizer(file)) return text::sentencepieceModuleProblem();
    std::string missing;
    if (!text::Regex::available()) missing = "PCRE2 (libpcre2-dev)";
    if (!text::unicodeNormalizationAvailable()) missing += std::string(missing.empty() ? "" : " and ") + "ICU (libicu-dev)";
    return missing.empty() ? std::string() : "this build has no " + missing + ", which tokenizer.json files need";
}

std::shared_ptr<const Tokenizer> loadTokenizer(const std::string& modelDir) {
    const std::string file = tokenizerFileIn(modelDir);
    if (file.empty()) throw Error(modelDir + ": no tokenizer.json or tokenizer.model in the model folder");
    const text::TokenizerConfig config = text::readTokenizerConfig(modelDir);
    if (isJsonTokenizer(file)) return std::make_shared<text::HfTokenizer>(file, config);
    return text::SentencepieceTokenizer::load(file, config);
}

}  // namespace l1ra
