#pragma once
// A model's tokenizer, read from its folder without loading any weights: Hugging Face `tokenizer.json` (BPE,
// byte-level like Llama 3 and Qwen2, or with byte fallback like Llama 2) or sentencepiece `tokenizer.model`.
// Plain C++ (no torch, no Qt): the engine, the CLI and the studio share it. docs/tokenizers.md has the details.
#include "l1ra/api.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

L1RA_API_BEGIN
namespace l1ra {

// Bytes [begin, end) of the encoded text that a token came from. Tokens the tokenizer adds itself (the
// post-processor's BOS) have an empty range: at 0 before the text, at its end after it.
struct TextSpan {
    std::size_t begin = 0;
    std::size_t end = 0;
};

struct TokenEncoding {
    std::vector<int64_t> ids;
    std::vector<TextSpan> offsets;   // one per id
};

class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    // Token ids of `text`. addSpecial adds what the model's own tokenizer adds by default (Llama's BOS,
    // nothing for Qwen2). Special tokens written in the text ("<|eot_id|>") become their single ids.
    virtual std::vector<int64_t> encode(const std::string& text, bool addSpecial) const;
    virtual TokenEncoding encodeWithOffsets(const std::string& text, bool addSpecial) const = 0;

    // The text of `ids`; bytes that do not form UTF-8 become U+FFFD. skipSpecial leaves special tokens out.
    virtual std::string decode(const std::vector<int64_t>& ids, bool skipSpecial = false) const = 0;

    virtual std::string piece(int64_t id) const = 0;   // the vocabulary string: "Ġworld", "▁the", "<0x0A>"
    virtual int64_t vocabSize() const = 0;             // regular and added tokens: the largest id + 1
    virtual int64_t bosId() const = 0;                 // -1 when the model has none
    virtual int64_t eosId() const = 0;                 // -1 when the model has none
    virtual int64_t tokenId(const std::string& token) const = 0;   // a special, added or regular token; -1 if none
    virtual bool isSpecial(int64_t id) const = 0;
    virtual std::string kind() const = 0;              // "tokenizer.json (byte-level BPE)", "tokenizer.model (sentencepiece)"
    virtual const std::string& path() const = 0;       // the file it was read from
};

// The tokenizer of a model folder: tokenizer.json when there is one, else tokenizer.model; BOS/EOS from
// tokenizer_config.json beside it when present. Throws l1ra::Error naming the file and the field (or JSON
// position) for anything it cannot use, and naming the folder when it has neither file.
std::shared_ptr<const Tokenizer> loadTokenizer(const std::string& modelDir);

// The file loadTokenizer reads in `modelDir` ("" when there is none); nothing is loaded.
std::string tokenizerFileIn(const std::string& modelDir);

// Why this build cannot read `file` (a sentencepiece model without the sentencepiece module, a tokenizer.json
// without PCRE2); empty when it can. Nothing is loaded.
std::string tokenizerSupportProblem(const std::string& file);

// Text of generated ids as they arrive: push returns only the newly completed text and never part of a UTF-8
// character (a character split over byte tokens waits for its last byte); flush returns what is held back.
class StreamingDecoder {
public:
    explicit StreamingDecoder(std::shared_ptr<const Tokenizer> tokenizer, bool skipSpecial = false);
    // Tokens that come before the streamed ones (the prompt): decoded as context only, so that the first new token
    // decodes as it does after them (sentencepiece drops a leading space at the start of a text).
    void prime(const std::vector<int64_t>& context);
    std::string push(int64_t id);
    std::string flush();

private:
    std::shared_ptr<const Tokenizer> tokenizer_;
    bool skipSpecial_;
    std::vector<int64_t> window_;   // the tokens of the last text returned (context), then those held since
    std::size_t contextTokens_ = 0;
    std::string contextText_;       // decode() of the context tokens
};

}  // namespace l1ra
L1RA_API_END
