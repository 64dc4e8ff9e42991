#include "reference_bpe.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <fstream>
#include <limits>
#include <sstream>

namespace l1ra::test {

ReferenceBpe::ReferenceBpe(const std::string& tokenizerJson) {
    std::ifstream in(tokenizerJson);
    std::stringstream ss;
    ss << in.rdbuf();
    const auto j = nlohmann::json::parse(ss.str());
    for (const auto& [token, id] : j["model"]["vocab"].items()) vocab_[token] = id.get<int64_t>();
    const auto& merges = j["model"]["merges"];
    for (std::size_t i = 0; i < merges.size(); ++i) ranks_[{merges[i][0].get<std::string>(), merges[i][1].get<std::string>()}] = i;
    ignoreMerges_ = j["model"].value("ignore_merges", false);
}

int64_t ReferenceBpe::id(const std::string& token) const {
    auto it = vocab_.find(token);
    return it == vocab_.end() ? -1 : it->second;
}

std::vector<int64_t> ReferenceBpe::encodeSymbols(std::vector<std::string> symbols) const {
    std::string whole;
    for (const auto& s : symbols) whole += s;
    if (ignoreMerges_ && id(whole) >= 0) return {id(whole)};
    while (symbols.size() > 1) {
        std::size_t best = 0, bestRank = std::numeric_limits<std::size_t>::max();
        for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
            auto it = ranks_.find({symbols[i], symbols[i + 1]});
            if (it != ranks_.end() && it->second < bestRank) bestRank = it->second, best = i;
        }
        if (bestRank == std::numeric_limits<std::size_t>::max()) break;
        symbols[best] += symbols[best + 1];
        symbols.erase(symbols.begin() + long(best) + 1);
    }
    std::vector<int64_t> ids;
    for (const auto& s : symbols) ids.push_back(id(s));
    return ids;
}

namespace {

// GPT-2's encoder.py: printable bytes keep their code point, the rest take 256, 257, ... in byte order.
std::vector<int> byteCodePoints() {
    std::vector<int> cps(256, -1);
    int next = 256;
    for (int b = 0; b < 256; ++b) {
        const bool keep = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        cps[std::size_t(b)] = keep ? b : next++;
    }
    return cps;
}

std::string utf8Of(int cp) {
    std::string s;
    if (cp < 0x80) s += char(cp);
    else {
        s += char(0xC0 | (cp >> 6));
        s += char(0x80 | (cp & 0x3F));
    }
    return s;
}

}  // namespace

std::string gpt2Chars(const std::string& bytes) {
    static const std::vector<int> cps = byteCodePoints();
    std::string out;
    for (unsigned char b : bytes) out += utf8Of(cps[b]);
    return out;
}

std::string gpt2Bytes(const std::string& chars) {
    static const std::vector<int> cps = byteCodePoints();
    std::map<std::string, char> back;
    for (int b = 0; b < 256; ++b) back[utf8Of(cps[std::size_t(b)])] = char(b);
    std::string out;
    for (const std::string& c : utf8Chars(chars)) out += back.at(c);
    return out;
}

std::vector<std::string> utf8Chars(const std::string& text) {
    std::vector<std::string> chars;
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        const std::size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        chars.push_back(text.substr(i, n));
        i += n;
    }
    return chars;
}

namespace {

bool letter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool newline(char c) { return c == '\r' || c == '\n'; }

// Length of the match of each alternative of
// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// at position i (0 when it does not match), tried in order.
std::size_t matchAt(const std::string& s, std::size_t i) {
    const std::size_t n = s.size();
    auto lower = [&](std::size_t k) { return k < n ? char(std::tolower(static_cast<unsigned char>(s[k]))) : '\0'; };
    if (s[i] == '\'') {
        for (const char* c : {"s", "t", "re", "ve", "m", "ll", "d"}) {
            const std::size_t len = std::char_traits<char>::length(c);
            bool ok = true;
            for (std::size_t k = 0; k < len; ++k) ok = ok && lower(i + 1 + k) == c[k];
            if (ok) return 1 + len;
        }
    }
    auto letters = [&](std::size_t k) { std::size_t e = k; while (e < n && letter(s[e])) ++e; return e - k; };
    if (!newline(s[i]) && !letter(s[i]) && !digit(s[i]) && i + 1 < n && letter(s[i + 1])) return 1 + letters(i + 1);
    if (letter(s[i])) return letters(i);
    if (digit(s[i])) {
        std::size_t e = i;
        while (e < n && e - i < 3 && digit(s[e])) ++e;
        return e - i;
    }
    auto symbol = [&](std::size_t k) { return k < n && !space(s[k]) && !letter(s[k]) && !digit(s[k]); };
    const std::size_t start = s[i] == ' ' && symbol(i + 1) ? i + 1 : i;
    if (symbol(start)) {
        std::size_t e = start;
        while (symbol(e)) ++e;
        while (e < n && newline(s[e])) ++e;
        return e - i;
    }
    std::size_t run = i;   // the white-space run from i
    while (run < n && space(s[run])) ++run;
    for (std::size_t k = run; k > i; --k)   // \s*[\r\n]+ ends after the run's last newline
        if (newline(s[k - 1])) return k - i;
    if (run == n || run - i == 1) return run - i;   // \s+(?!\S) takes all at the end; a lone space falls to \s+
    return run - i - 1;                             // otherwise it leaves the last space for the next word
}

}  // namespace

std::vector<std::string> llama3Words(const std::string& ascii) {
    std::vector<std::string> words;
    for (std::size_t i = 0; i < ascii.size();) {
        const std::size_t len = matchAt(ascii, i);
        words.push_back(ascii.substr(i, len));
        i += len;
    }
    return words;
}

}  // namespace l1ra::test
