#include "text_clean.h"

#include <vector>

namespace l1ra::demo {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool isAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isAsciiAlnum(char c) { return isAsciiLetter(c) || (c >= '0' && c <= '9'); }

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not one.
std::size_t utf8SequenceLength(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    unsigned int codePoint = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        codePoint = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        codePoint = lead & 0x0Fu;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        codePoint = lead & 0x07u;
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0u) != 0x80u) return 0;
        codePoint = (codePoint << 6) | (byte(i + k) & 0x3Fu);
    }
    // Refuse overlong forms, surrogates and values past U+10FFFF.
    if ((length == 3 && codePoint < 0x800) || (length == 4 && codePoint < 0x10000)) return 0;
    if (codePoint >= 0xD800 && codePoint <= 0xDFFF) return 0;
    if (codePoint > 0x10FFFF) return 0;
    return length;
}

}  // namespace

std::string collapseWhitespace(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool pendingSpace = false;
    for (char c : text) {
        if (isSpace(c)) {
            pendingSpace = !out.empty();
            continue;
        }
        if (pendingSpace) out.push_back(' ');
        pendingSpace = false;
        out.push_back(c);
    }
    return out;
}

std::string trim(std::string_view text) {
    std::size_t begin = 0, end = text.size();
    while (begin < end && isSpace(text[begin])) ++begin;
    while (end > begin && isSpace(text[end - 1])) --end;
    return std::string(text.substr(begin, end - begin));
}

std::string plainTerminalText(std::string_view text) {
    // Replays the text on a line of character cells, as a printing terminal would draw it.
    std::string out;
    std::vector<std::string> cells;   // one UTF-8 character each
    std::size_t cursor = 0;
    const auto flushLine = [&] {
        for (const std::string& cell : cells) out += cell;
        cells.clear();
        cursor = 0;
    };
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (c == '\n') {
            flushLine();
            out.push_back('\n');
            ++i;
            continue;
        }
        if (c == '\b') {
            if (cursor > 0) --cursor;
            ++i;
            continue;
        }
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {   // bell, escape, form feed: nothing to see
            ++i;
            continue;
        }
        std::size_t length = 1;
        while (i + length < text.size() && (static_cast<unsigned char>(text[i + length]) & 0xC0u) == 0x80u) ++length;
        std::string character(text.substr(i, length));
        i += length;
        if (cursor == cells.size()) {
            cells.push_back(std::move(character));
        } else {
            // Drawn over an earlier character: a letter or digit wins over underline and accent marks.
            const std::string& earlier = cells[cursor];
            const bool keepEarlier = earlier.size() == 1 && isAsciiAlnum(earlier[0]) &&
                                     !(character.size() == 1 && isAsciiAlnum(character[0]));
            if (!keepEarlier) cells[cursor] = std::move(character);
        }
        ++cursor;
    }
    flushLine();
    return out;
}

std::string toValidUtf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = utf8SequenceLength(text, i);
        if (length > 0) {
            out.append(text.substr(i, length));
            i += length;
            continue;
        }
        const unsigned char latin1 = static_cast<unsigned char>(text[i]);
        out.push_back(static_cast<char>(0xC0 | (latin1 >> 6)));
        out.push_back(static_cast<char>(0x80 | (latin1 & 0x3F)));
        ++i;
    }
    return out;
}

std::vector<std::string> splitLines(std::string_view text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        const bool last = end == std::string_view::npos;
        if (last) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.emplace_back(line);
        if (last) break;
        start = end + 1;
    }
    return lines;
}

std::string asciiLower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return out;
}

std::string asciiUpper(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    return out;
}

double letterShare(std::string_view text) {
    std::size_t letters = 0, visible = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (isSpace(char(c))) continue;
        if ((c & 0xC0u) == 0x80u) continue;   // UTF-8 continuation byte: counted with its lead byte
        ++visible;
        if (isAsciiLetter(char(c)) || c >= 0xC0u) ++letters;   // non-ASCII lead bytes are mostly accented letters
    }
    return visible == 0 ? 1.0 : double(letters) / double(visible);
}

bool hasControlCharacters(std::string_view text) {
    for (char c : text)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n') return true;
    return false;
}

std::string asSentence(std::string_view text) {
    std::string out = collapseWhitespace(text);
    if (out.empty()) return out;
    if (out[0] >= 'a' && out[0] <= 'z') out[0] = char(out[0] - 'a' + 'A');
    const char last = out.back();
    if (last != '.' && last != '!' && last != '?') out.push_back('.');
    return out;
}

std::string titleCase(std::string_view text) {
    std::string out(text);
    bool wordStart = true;
    for (char& c : out) {
        if (wordStart && c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
        wordStart = isSpace(c);
    }
    return out;
}

bool containsWord(std::string_view text, std::string_view word) {
    if (word.empty()) return false;
    const std::string haystack = asciiLower(text);
    const std::string needle = asciiLower(word);
    for (std::size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) {
        const bool startsWord = at == 0 || !isAsciiLetter(haystack[at - 1]);
        const std::size_t after = at + needle.size();
        const bool endsWord = after >= haystack.size() || !isAsciiLetter(haystack[after]);
        if (startsWord && endsWord) return true;
    }
    return false;
}

}  // namespace l1ra::demo
