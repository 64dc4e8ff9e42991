#include "text/bpe_model.h"

#include "l1ra/error.h"
#include "text/byte_level.h"
#include "text/utf8.h"

#include <algorithm>
#include <cstdio>

namespace l1ra::text {

namespace {

constexpr std::size_t kCachedWordBytes = 256;   // longer words are rare and not worth remembering
constexpr std::size_t kCacheEntries = 1 << 17;

uint64_t pairKey(int32_t left, int32_t right) { return (uint64_t(uint32_t(left)) << 32) | uint32_t(right); }

uint32_t firstCodePoint(std::string_view s) {
    std::size_t n = 0;
    return decodeChar(s, 0, &n);
}

uint32_t lastCodePoint(std::string_view s) {
    std::size_t i = s.size() - 1;
    while (i > 0 && s.size() - i < 4 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    std::size_t n = 0;
    return decodeChar(s, i, &n);
}

std::string fallbackPiece(unsigned b) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", b);
    return name;
}

// The most unused ids a vocabulary may leave below its largest id.
constexpr int64_t kMaxIdGap = int64_t(1) << 20;

}  // namespace

BpeModel::BpeModel(const JsonField& model) {
    const JsonField vocab = model["vocab"];
    if (!vocab.json().is_object()) vocab.fail(vocab.isNull() ? "is missing" : "must be an object (token -> id)");
    vocab_.reserve(vocab.size());
    // Ids may leave gaps, but one far past the entry count is a damaged file, and it would size the id -> piece
    // table (an id of 2^31 asks for 64 GB).
    const int64_t idLimit = int64_t(vocab.size()) + kMaxIdGap;
    for (const auto& [token, id] : vocab.json().items()) {
        const int64_t value = id.is_number_integer() ? id.get<int64_t>() : -1;
        if (value < 0 || value > INT32_MAX) vocab.fail("[\"" + token + "\"] must be a non-negative integer id");
        if (value >= idLimit)
            vocab.fail("[\"" + token + "\"] is id " + std::to_string(value) + ", far past the vocabulary's " +
                       std::to_string(vocab.size()) + " entries (ids may leave at most " + std::to_string(kMaxIdGap) +
                       " unused)");
        const auto i = int32_t(value);
        vocab_.emplace(token, i);
        if (std::size_t(i) >= pieces_.size()) pieces_.resize(std::size_t(i) + 1);
        pieces_[std::size_t(i)] = token;
    }
    for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"})
        if (model.has(key) && !model[key].string().empty()) model[key].fail("is not supported (only an empty one is)");
    if (model.has("dropout") && model["dropout"].number() > 0) model["dropout"].fail("is not supported (BPE dropout is random)");
    if (model.has("unk_token")) unkId_ = int32_t(tokenId(model["unk_token"].string()));
    fuseUnk_ = model.booleanOr("fuse_unk", false);
    byteFallback_ = model.booleanOr("byte_fallback", false);
    ignoreMerges_ = model.booleanOr("ignore_merges", false);
    for (unsigned b = 0; b < 256; ++b) {
        byteLevelIds_[b] = int32_t(tokenId(byteLevelChar(static_cast<unsigned char>(b))));
        fallbackIds_[b] = int32_t(tokenId(fallbackPiece(b)));
    }
    readMerges(model["merges"]);
}

void BpeModel::readMerges(const JsonField& merges) {
    if (!merges.json().is_array()) merges.fail(merges.isNull() ? "is missing" : "must be an array");
    merges_.reserve(merges.size());
    std::string left, right;
    int32_t rank = 0;
    for (const nlohmann::json& m : merges.json()) {   // plain JSON here: a JsonField per merge costs seconds
        if (m.is_string()) {
            const std::string& line = m.get_ref<const std::string&>();
            const std::size_t space = line.find(' ');
            if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos)
                merges[std::size_t(rank)].fail("must be two tokens separated by one space");
            left.assign(line, 0, space);
            right.assign(line, space + 1, std::string::npos);
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
            left = m[0].get<std::string>();
            right = m[1].get<std::string>();
        } else {
            merges[std::size_t(rank)].fail("must be \"left right\" or [\"left\", \"right\"]");
        }
        const int64_t l = tokenId(left), r = tokenId(right), result = tokenId(left + right);
        if (l < 0 || r < 0 || result < 0)
            merges[std::size_t(rank)].fail("\"" + (l < 0 ? left : r < 0 ? right : left + right) + "\" is not in model.vocab");
        merges_[pairKey(int32_t(l), int32_t(r))] = Merge{rank, int32_t(result)};   // a later duplicate wins, as in HF
        joins_.insert((uint64_t(lastCodePoint(left)) << 32) | firstCodePoint(right));
        ++rank;
    }
}

std::vector<std::string> BpeModel::mergesByRank() const {
    std::vector<std::pair<int32_t, std::string>> ranked;
    ranked.reserve(merges_.size());
    for (const auto& [pair, merge] : merges_)
        ranked.emplace_back(merge.rank, pieces_[std::size_t(pair >> 32)] + " " + pieces_[std::size_t(pair & 0xffffffffu)]);
    std::sort(ranked.begin(), ranked.end());
    std::vector<std::string> out;
    out.reserve(ranked.size());
    for (auto& r : ranked) out.push_back(std::move(r.second));
    return out;
}

int64_t BpeModel::tokenId(const std::string& token) const {
    auto it = vocab_.find(token);
    return it == vocab_.end() ? -1 : it->second;
}

const std::string& BpeModel::piece(int64_t id) const {
    static const std::string none;
    return id >= 0 && std::size_t(id) < pieces_.size() ? pieces_[std::size_t(id)] : none;
}

const BpeModel::Merge* BpeModel::findMerge(int32_t left, int32_t right) const {
    auto it = merges_.find(pairKey(left, right));
    return it == merges_.end() ? nullptr : &it->second;
}

// Long words (a whole document when there is no pre-tokenizer, as in Llama 2's legacy files) are cut where no
// merge can join the two sides, so that the pieces hit the cache and merging stays linear.
void BpeModel::tokenize(std::string_view word, bool byteLevel, std::vector<WordToken>& out) const {
    if (word.size() < kCachedWordBytes || ignoreMerges_) {   // ignore_merges looks the whole word up: no cuts
        tokenizeCached(word, byteLevel, out);
        return;
    }
    std::size_t start = 0, previous = 0;
    for (std::size_t i = 0; i < word.size();) {
        const std::size_t n = byteLevel ? 1 : charLength(word, i);
        if (i > start && canCutBetween(word.substr(previous, i - previous), word.substr(i, n), byteLevel)) {
            tokenizeCached(word.substr(start, i - start), byteLevel, out);
            start = i;
        }
        previous = i;
        i += n;
    }
    tokenizeCached(word.substr(start), byteLevel, out);
}

// A merge across the boundary needs a left side ending in `left` and a right side starting with `right`; both
// must be tokens of their own, so that no unknown or byte-fallback piece spans the cut.
bool BpeModel::canCutBetween(std::string_view left, std::string_view right, bool byteLevel) const {
    if (byteLevel) {
        const auto l = static_cast<unsigned char>(left[0]), r = static_cast<unsigned char>(right[0]);
        const uint64_t key = (uint64_t(firstCodePoint(byteLevelChar(l))) << 32) | firstCodePoint(byteLevelChar(r));
        return byteLevelIds_[l] >= 0 && byteLevelIds_[r] >= 0 && !joins_.count(key);
    }
    const uint64_t key = (uint64_t(firstCodePoint(left)) << 32) | firstCodePoint(right);
    return !joins_.count(key) && tokenId(std::string(left)) >= 0 && tokenId(std::string(right)) >= 0;
}

void BpeModel::tokenizeCached(std::string_view word, bool byteLevel, std::vector<WordToken>& out) const {
    if (word.empty()) return;
    auto& cache = cache_[byteLevel ? 1 : 0];
    const bool cacheable = word.size() < kCachedWordBytes;
    if (cacheable) {
        std::lock_guard<std::mutex> lock(cacheMutex_);
        auto it = cache.find(std::string(word));
        if (it != cache.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    std::vector<WordToken> tokens = encodeWord(word, byteLevel);
    out.insert(out.end(), tokens.begin(), tokens.end());
    if (cacheable) {
        std::lock_guard<std::mutex> lock(cacheMutex_);
        if (cache.size() >= kCacheEntries) cache.clear();
        cache.emplace(std::string(word), std::move(tokens));
    }
}

std::vector<WordToken> BpeModel::encodeWord(std::string_view word, bool byteLevel) const {
    if (ignoreMerges_) {   // a word that is itself a token stays whole (Llama 3)
        const int64_t id = tokenId(byteLevel ? toByteLevel(word) : std::string(word));
        if (id >= 0) return {WordToken{int32_t(id), uint32_t(word.size())}};
    }
    std::vector<WordToken> tokens = symbols(word, byteLevel);
    applyMerges(tokens);
    return tokens;
}

// The word's characters as tokens before any merge; unknown ones become <0xNN> bytes or the unknown token.
std::vector<WordToken> BpeModel::symbols(std::string_view word, bool byteLevel) const {
    std::vector<WordToken> out;
    out.reserve(word.size());
    WordToken unk{-1, 0};   // an unknown stretch waiting to be added (fused when fuse_unk)
    auto unknown = [&](uint32_t length) {
        if (unkId_ < 0) return;   // HF drops characters it has no token for when there is no unk_token
        if (unk.id >= 0 && fuseUnk_) {
            unk.length += length;
            return;
        }
        if (unk.id >= 0) out.push_back(unk);
        unk = {unkId_, length};
    };
    for (std::size_t i = 0; i < word.size();) {
        const std::size_t n = byteLevel ? 1 : charLength(word, i);
        const int64_t id = byteLevel ? byteLevelIds_[static_cast<unsigned char>(word[i])] : tokenId(std::string(word.substr(i, n)));
        if (id >= 0) {
            if (unk.id >= 0) out.push_back(unk);
            unk = {-1, 0};
            out.push_back({int32_t(id), uint32_t(n)});
        } else if (byteFallback_ && !byteLevel &&
                   std::all_of(word.begin() + long(i), word.begin() + long(i + n), [&](char c) { return fallbackIds_[static_cast<unsigned char>(c)] >= 0; })) {
            for (std::size_t k = i; k < i + n; ++k) out.push_back({fallbackIds_[static_cast<unsigned char>(word[k])], 1});
        } else {
            unknown(uint32_t(n));
        }
        i += n;
    }
    if (unk.id >= 0) out.push_back(unk);
    return out;
}

// Merges the adjacent pair of lowest rank (leftmost first) until no pair has a merge: HF's order exactly.
void BpeModel::applyMerges(std::vector<WordToken>& word) const {
    if (word.size() < 2) return;
    struct Symbol {
        int32_t id;
        uint32_t length;
        int32_t prev, next;
    };
    struct Candidate {
        int32_t rank, pos, result;
        bool operator<(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }   // min-heap
    };
    std::vector<Symbol> s(word.size());
    std::vector<Candidate> heap;
    for (std::size_t i = 0; i < word.size(); ++i) s[i] = {word[i].id, word[i].length, int32_t(i) - 1, i + 1 < word.size() ? int32_t(i + 1) : -1};
    auto consider = [&](int32_t pos) {
        if (pos < 0 || s[std::size_t(pos)].next < 0) return;
        if (const Merge* m = findMerge(s[std::size_t(pos)].id, s[std::size_t(s[std::size_t(pos)].next)].id)) {
            heap.push_back({m->rank, pos, m->result});
            std::push_heap(heap.begin(), heap.end());
        }
    };
    for (std::size_t i = 0; i + 1 < word.size(); ++i) consider(int32_t(i));
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end());
        const Candidate top = heap.back();
        heap.pop_back();
        Symbol& left = s[std::size_t(top.pos)];
        if (left.length == 0 || left.next < 0) continue;   // merged away meanwhile
        Symbol& right = s[std::size_t(left.next)];
        const Merge* m = findMerge(left.id, right.id);
        if (!m || m->result != top.result) continue;       // the pair changed since it was queued
        left.id = top.result;
        left.length += right.length;
        right.length = 0;
        left.next = right.next;
        if (left.next >= 0) s[std::size_t(left.next)].prev = top.pos;
        consider(left.prev);
        consider(top.pos);
    }
    word.clear();
    for (const Symbol& sym : s)
        if (sym.length) word.push_back({sym.id, sym.length});
}

}  // namespace l1ra::text
