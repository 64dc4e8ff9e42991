#pragma once
// tokenizer.json's BPE `model`: vocabulary, merges applied lowest rank first, ignore_merges, byte_fallback
// (<0xNN> tokens) and the unknown token. Results per word are cached, so running text mostly costs lookups.
#include "text/json_field.h"

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace l1ra::text {

struct WordToken {
    int32_t id;
    uint32_t length;   // bytes of the word it covers
};

class BpeModel {
public:
    explicit BpeModel(const JsonField& model);   // refuses what it cannot honour, naming the field

    // Appends the tokens of one word. byteLevel: each byte of `word` is GPT-2's character for it.
    void tokenize(std::string_view word, bool byteLevel, std::vector<WordToken>& out) const;

    int64_t tokenId(const std::string& token) const;   // -1 when not in the vocabulary
    const std::string& piece(int64_t id) const;        // empty for ids the vocabulary does not use
    int64_t endId() const { return int64_t(pieces_.size()); }   // largest id + 1
    bool byteFallback() const { return byteFallback_; }
    int64_t unknownId() const { return unkId_; }
    std::vector<std::string> mergesByRank() const;     // "left right", lowest rank first

private:
    struct Merge {
        int32_t rank;
        int32_t result;
    };
    void readMerges(const JsonField& merges);
    void tokenizeCached(std::string_view word, bool byteLevel, std::vector<WordToken>& out) const;
    bool canCutBetween(std::string_view left, std::string_view right, bool byteLevel) const;
    std::vector<WordToken> symbols(std::string_view word, bool byteLevel) const;
    void applyMerges(std::vector<WordToken>& word) const;
    std::vector<WordToken> encodeWord(std::string_view word, bool byteLevel) const;
    const Merge* findMerge(int32_t left, int32_t right) const;

    std::unordered_map<std::string, int32_t> vocab_;
    std::vector<std::string> pieces_;                  // by id
    std::unordered_map<uint64_t, Merge> merges_;       // (left id, right id) -> rank and merged id
    std::unordered_set<uint64_t> joins_;                // (last char of a merge's left, first char of its right)
    std::array<int32_t, 256> byteLevelIds_{};          // id of GPT-2's character of each byte, -1 if none
    std::array<int32_t, 256> fallbackIds_{};           // id of <0xNN>, -1 if none
    int32_t unkId_ = -1;
    bool fuseUnk_ = false, byteFallback_ = false, ignoreMerges_ = false;

    mutable std::mutex cacheMutex_;
    mutable std::unordered_map<std::string, std::vector<WordToken>> cache_[2];   // by byteLevel
};

}  // namespace l1ra::text
