#pragma once
// tokenizer.json's `added_tokens`: special and added tokens matched as wholes in the text before it is split
// into words (HF's default, split_special_tokens false), longest first at the leftmost place, honouring each
// token's lstrip, rstrip, single_word and normalized flags.
#include "text/aligned_text.h"
#include "text/json_field.h"
#include "text/regex.h"

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace l1ra::text {

class Normalizer;

struct AddedToken {
    int64_t id = -1;
    std::string content;
    std::string decodeForm;   // what decoding starts from: the normalized content for normalized tokens (as in HF)
    bool special = false, lstrip = false, rstrip = false, singleWord = false, normalized = true;
};

// A stretch of text: an added token (id >= 0) or text still to be split into words.
struct TextSegment {
    int64_t addedId = -1;
    std::size_t begin = 0, end = 0;   // bytes of the text it was found in
};

class AddedTokens {
public:
    AddedTokens() = default;
    // `normalizer` (may be null) gives the form normalized tokens are matched in.
    AddedTokens(const JsonField& list, const Normalizer* normalizer);

    // Cuts `text` at the tokens matched before normalization (normalized == false) or after (normalized == true).
    std::vector<TextSegment> split(const std::string& text, bool normalizedTokens) const;

    const AddedToken* byId(int64_t id) const;
    const AddedToken* byContent(const std::string& content) const;
    const std::vector<AddedToken>& all() const { return tokens_; }

private:
    struct Trie {
        struct Node {
            std::vector<std::pair<unsigned char, int32_t>> children;
            int32_t token = -1;   // index into tokens_ of the token ending here
        };
        std::vector<Node> nodes{Node{}};
        bool startsAnything[256] = {};
        void add(const std::string& key, int32_t token);
        // Longest token starting exactly at `at`; -1 when none. *end gets its end.
        int32_t longestAt(const std::string& text, std::size_t at, std::size_t* end) const;
    };
    bool acceptMatch(const AddedToken& t, const std::string& text, std::size_t begin, std::size_t end) const;

    std::vector<AddedToken> tokens_;
    std::unordered_map<int64_t, std::size_t> byId_;
    std::unordered_map<std::string, std::size_t> byContent_;
    Trie raw_, normalized_;
    std::shared_ptr<const Regex> wordChar_;   // Unicode \w, for single_word tokens only
};

}  // namespace l1ra::text
