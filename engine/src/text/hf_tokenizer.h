#pragma once
// A Hugging Face tokenizer.json with a BPE model: Llama 3, Qwen2, Mistral-Nemo (byte-level) and Llama 2 /
// Mistral (byte fallback). Encoding follows HF tokenizers step by step: added tokens, normalizer, added
// tokens in normalized text, pre-tokenizer, BPE, post-processor.
#include "l1ra/text_tokenizer.h"
#include "text/added_tokens.h"
#include "text/bpe_model.h"
#include "text/decoders.h"
#include "text/normalizers.h"
#include "text/post_processor.h"
#include "text/pre_tokenizers.h"
#include "text/tokenizer_config.h"

#include <memory>
#include <string>

namespace l1ra::text {

class HfTokenizer final : public Tokenizer {
public:
    // Reads `path`; `config` (tokenizer_config.json, possibly absent) names BOS and EOS and, for Llama's class,
    // which of them encode() adds. Throws l1ra::Error naming the file and the field.
    HfTokenizer(const std::string& path, const TokenizerConfig& config);

    TokenEncoding encodeWithOffsets(const std::string& text, bool addSpecial) const override;
    std::string decode(const std::vector<int64_t>& ids, bool skipSpecial = false) const override;
    std::string piece(int64_t id) const override;
    int64_t vocabSize() const override { return endId_; }
    int64_t bosId() const override { return bos_; }
    int64_t eosId() const override { return eos_; }
    int64_t tokenId(const std::string& token) const override;
    bool isSpecial(int64_t id) const override;
    std::string kind() const override;
    const std::string& path() const override { return path_; }
    bool byteLevel() const { return pre_.byteLevel; }
    const BpeModel& model() const { return *model_; }
    const AddedTokens& addedTokens() const { return added_; }
    bool addsBos() const { return !frame_.before.empty(); }

private:
    void readModel(const JsonField& top);
    void applyConfig(const TokenizerConfig& config);
    void encodeText(const std::string& text, std::size_t begin, std::size_t end, TokenEncoding& out) const;
    void encodeWords(std::vector<AlignedText> words, TokenEncoding& out) const;
    void checkId(int64_t id) const;

    std::string path_;
    std::unique_ptr<Normalizer> normalizer_;
    PreTokenizerSetup pre_;
    std::unique_ptr<BpeModel> model_;
    AddedTokens added_;
    SpecialFrame frame_;
    std::unique_ptr<Decoder> decoder_;
    int64_t bos_ = -1, eos_ = -1, endId_ = 0;
};

}  // namespace l1ra::text
