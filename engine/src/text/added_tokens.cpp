#include "text/added_tokens.h"

#include "text/normalizers.h"
#include "text/utf8.h"

#include <algorithm>

namespace l1ra::text {

namespace {

std::size_t previousCharStart(const std::string& text, std::size_t end) {
    std::size_t i = end - 1;
    while (i > 0 && end - i < 4 && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
    return charLength(text, i) == end - i ? i : end - 1;
}

// Where the run of white space that ends at `end` begins.
std::size_t spaceRunBefore(const std::string& text, std::size_t end) {
    while (end > 0) {
        const std::size_t start = previousCharStart(text, end);
        std::size_t n = 0;
        if (!isWhiteSpace(decodeChar(text, start, &n))) break;
        end = start;
    }
    return end;
}

// Where the run of white space that starts at `begin` ends.
std::size_t spaceRunAfter(const std::string& text, std::size_t begin) {
    while (begin < text.size()) {
        std::size_t n = 0;
        if (!isWhiteSpace(decodeChar(text, begin, &n))) break;
        begin += n;
    }
    return begin;
}

}  // namespace

void AddedTokens::Trie::add(const std::string& key, int32_t token) {
    int32_t node = 0;
    for (char c : key) {
        const auto byte = static_cast<unsigned char>(c);
        auto& children = nodes[std::size_t(node)].children;
        auto it = std::find_if(children.begin(), children.end(), [&](const auto& child) { return child.first == byte; });
        if (it != children.end()) {
            node = it->second;
            continue;
        }
        children.emplace_back(byte, int32_t(nodes.size()));
        node = int32_t(nodes.size());
        nodes.emplace_back();
    }
    nodes[std::size_t(node)].token = token;
    startsAnything[static_cast<unsigned char>(key[0])] = true;
}

int32_t AddedTokens::Trie::longestAt(const std::string& text, std::size_t at, std::size_t* end) const {
    int32_t node = 0, found = -1;
    for (std::size_t i = at; i < text.size(); ++i) {
        const auto& children = nodes[std::size_t(node)].children;
        const auto byte = static_cast<unsigned char>(text[i]);
        auto it = std::find_if(children.begin(), children.end(), [&](const auto& child) { return child.first == byte; });
        if (it == children.end()) break;
        node = it->second;
        if (nodes[std::size_t(node)].token >= 0) {
            found = nodes[std::size_t(node)].token;
            *end = i + 1;
        }
    }
    return found;
}

AddedTokens::AddedTokens(const JsonField& list, const Normalizer* normalizer) {
    if (list.isNull()) return;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const JsonField f = list[i];
        AddedToken t;
        t.id = f["id"].integer();
        if (t.id < 0) f["id"].fail("must not be negative");
        t.content = f["content"].string();
        t.special = f.booleanOr("special", false);
        t.lstrip = f.booleanOr("lstrip", false);
        t.rstrip = f.booleanOr("rstrip", false);
        t.singleWord = f.booleanOr("single_word", false);
        t.normalized = f.booleanOr("normalized", !t.special);
        if (t.content.empty()) continue;
        if (t.singleWord && !wordChar_)
            wordChar_ = std::make_shared<Regex>(R"([\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}])", f["single_word"].where());
        std::string key = t.content;
        if (t.normalized && normalizer) {   // matched in its normalized form, in normalized text
            AlignedText n = AlignedText::original(key, 0);
            normalizer->apply(n);
            key = n.str();
        }
        if (key.empty()) continue;
        t.decodeForm = key;
        const auto index = int32_t(tokens_.size());
        (t.normalized ? normalized_ : raw_).add(key, index);
        byId_[t.id] = tokens_.size();
        byContent_[t.content] = tokens_.size();
        tokens_.push_back(std::move(t));
    }
}

const AddedToken* AddedTokens::byId(int64_t id) const {
    auto it = byId_.find(id);
    return it == byId_.end() ? nullptr : &tokens_[it->second];
}

const AddedToken* AddedTokens::byContent(const std::string& content) const {
    auto it = byContent_.find(content);
    return it == byContent_.end() ? nullptr : &tokens_[it->second];
}

bool AddedTokens::acceptMatch(const AddedToken& t, const std::string& text, std::size_t begin, std::size_t end) const {
    if (!t.singleWord) return true;
    const bool wordBefore = begin > 0 && wordChar_->matchesAt(text, previousCharStart(text, begin));
    const bool wordAfter = end < text.size() && wordChar_->matchesAt(text, end);
    return !wordBefore && !wordAfter;
}

std::vector<TextSegment> AddedTokens::split(const std::string& text, bool normalizedTokens) const {
    const Trie& trie = normalizedTokens ? normalized_ : raw_;
    std::vector<TextSegment> segments;
    std::size_t done = 0, pos = 0;
    while (pos < text.size()) {
        std::size_t begin = pos, end = 0;
        int32_t index = -1;
        for (; begin < text.size() && index < 0; ++begin)
            if (trie.startsAnything[static_cast<unsigned char>(text[begin])]) index = trie.longestAt(text, begin, &end);
        if (index < 0) break;
        --begin;
        pos = end;   // the search goes on after the match, whether it is taken or not (as in HF)
        const AddedToken& t = tokens_[std::size_t(index)];
        if (!acceptMatch(t, text, begin, end)) continue;
        if (t.lstrip) begin = std::max(spaceRunBefore(text, begin), done);
        if (t.rstrip) pos = end = spaceRunAfter(text, end);
        if (begin > done) segments.push_back({-1, done, begin});
        segments.push_back({t.id, begin, end});
        done = end;
    }
    if (done < text.size()) segments.push_back({-1, done, text.size()});
    return segments;
}

}  // namespace l1ra::text
