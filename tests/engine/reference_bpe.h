#pragma once
// Independent, deliberately plain references for the tokenizer.json tests: a BPE that rescans the whole word
// after every merge, GPT-2's byte table rebuilt from its definition, and Llama 3's split pattern hand-written
// for ASCII text. Slow and simple on purpose: they share no code with the engine.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace l1ra::test {

class ReferenceBpe {
public:
    explicit ReferenceBpe(const std::string& tokenizerJson);   // reads model.vocab, model.merges, ignore_merges

    // Ids of one word given as its initial symbols (characters, or <0xNN> for bytes not in the vocabulary).
    std::vector<int64_t> encodeSymbols(std::vector<std::string> symbols) const;
    int64_t id(const std::string& token) const;   // -1 when absent

private:
    std::map<std::string, int64_t> vocab_;
    std::map<std::pair<std::string, std::string>, std::size_t> ranks_;
    bool ignoreMerges_ = false;
};

// GPT-2's character for every byte of `bytes`, and back.
std::string gpt2Chars(const std::string& bytes);
std::string gpt2Bytes(const std::string& chars);

// Llama 3's pre-tokenizer regex, as a hand-written scanner valid for ASCII text only.
std::vector<std::string> llama3Words(const std::string& ascii);

// The UTF-8 characters of a string.
std::vector<std::string> utf8Chars(const std::string& text);

}  // namespace l1ra::test
