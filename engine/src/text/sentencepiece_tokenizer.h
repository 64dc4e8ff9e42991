#pragma once
// sentencepiece tokenizer.model, reached through the module loaded in its own link namespace (DESIGN.md
// section 4).
#include "l1ra/text_tokenizer.h"
#include "text/tokenizer_config.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace l1ra::text {

class SentencepieceTokenizer final : public Tokenizer {
public:
    // Loads tokenizer.model; throws l1ra::Error naming the file when it is missing or corrupt. `config`
    // (tokenizer_config.json, possibly absent) may name other BOS/EOS pieces.
    static std::shared_ptr<SentencepieceTokenizer> load(const std::string& path, const TokenizerConfig& config = {});
    ~SentencepieceTokenizer() override;

    std::vector<int64_t> encode(const std::string& text, bool addSpecial) const override;   // [BOS] + ids
    TokenEncoding encodeWithOffsets(const std::string& text, bool addSpecial) const override;
    std::string decode(const std::vector<int64_t>& ids, bool skipSpecial = false) const override;
    std::string piece(int64_t id) const override;
    int64_t vocabSize() const override { return vocab_; }
    int64_t bosId() const override { return bos_; }
    int64_t eosId() const override { return eos_; }
    int64_t tokenId(const std::string& token) const override;
    bool isSpecial(int64_t id) const override;
    std::string kind() const override { return "tokenizer.model (sentencepiece)"; }
    const std::string& path() const override { return path_; }
    float score(int64_t id) const;    // the piece's score in the model (GGUF's tokenizer.ggml.scores)
    int pieceType(int64_t id) const;  // 1 normal, 2 unknown, 3 control, 5 unused, 6 byte (GGUF's token_type)

private:
    SentencepieceTokenizer() = default;
    int64_t configuredId(const NamedToken& token, const char* key, const std::string& configPath, int64_t fallback) const;
    TokenEncoding encodePlain(const std::string& text, std::size_t offset) const;   // no special-token splitting
    std::size_t findSpecial(const std::string& text, std::size_t from, int64_t* id, std::size_t* length) const;

    std::string path_;
    void* handle_ = nullptr;
    int64_t vocab_ = 0, bos_ = -1, eos_ = -1;
    // Control pieces written as text ("<s>", "</s>", "<unk>"), longest first: transformers' Llama tokenizer matches
    // them before sentencepiece sees the text, and chat templates write them.
    std::vector<std::pair<std::string, int64_t>> specialTexts_;
    mutable std::mutex mutex_;
};

// Trains a sentencepiece model (sentencepiece's "--key=value ..." argument string).
void trainSentencepiece(const std::string& args);

// Where the module was found, or why not (for diagnostics).
std::string sentencepieceModulePath();

// Why no sentencepiece model can be loaded in this build or install (the module is absent or unusable); empty
// when one can.
std::string sentencepieceModuleProblem();

}  // namespace l1ra::text
