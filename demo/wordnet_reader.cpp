#include "wordnet_reader.h"

#include "file_io.h"
#include "l1ra/error.h"
#include "text_clean.h"

namespace l1ra::demo {

namespace {

std::string stripTrailingPunctuation(std::string text) {
    while (!text.empty() && (text.back() == ';' || text.back() == ':' || text.back() == ',' || text.back() == ' '))
        text.pop_back();
    return text;
}

// Next space-separated token of `line` from `pos`; empty at the end.
std::string_view nextToken(std::string_view line, std::size_t& pos) {
    while (pos < line.size() && line[pos] == ' ') ++pos;
    const std::size_t start = pos;
    while (pos < line.size() && line[pos] != ' ') ++pos;
    return line.substr(start, pos - start);
}

bool parseHex(std::string_view text, std::size_t& value) {
    if (text.empty()) return false;
    value = 0;
    for (char c : text) {
        int digit = -1;
        if (c >= '0' && c <= '9') digit = c - '0';
        if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
        if (digit < 0) return false;
        value = value * 16 + std::size_t(digit);
    }
    return true;
}

}  // namespace

Gloss splitGloss(std::string_view gloss) {
    Gloss result;
    const std::size_t firstQuote = gloss.find('"');
    result.definition = stripTrailingPunctuation(collapseWhitespace(gloss.substr(0, firstQuote)));
    if (firstQuote == std::string_view::npos) return result;
    std::size_t open = firstQuote;
    while (open != std::string_view::npos) {
        std::size_t close = gloss.find('"', open + 1);
        const std::string_view inside =
            gloss.substr(open + 1, close == std::string_view::npos ? std::string_view::npos : close - open - 1);
        const std::string example = stripTrailingPunctuation(collapseWhitespace(inside));
        if (!example.empty()) result.examples.push_back(example);
        if (close == std::string_view::npos) break;   // an unclosed quote runs to the end of the gloss
        open = gloss.find('"', close + 1);
    }
    return result;
}

std::string readableLemma(std::string_view lemma) {
    std::string out(lemma);
    // Adjective position markers: (a) attributive, (p) predicative, (ip) immediately postnominal.
    const std::size_t marker = out.find('(');
    if (marker != std::string::npos && !out.empty() && out.back() == ')') out.erase(marker);
    for (char& c : out)
        if (c == '_') c = ' ';
    return out;
}

std::optional<Synset> parseSynsetLine(std::string_view line, char partOfSpeech, const std::string& where) {
    if (line.empty() || line[0] == ' ') return std::nullopt;
    const std::size_t bar = line.find(" | ");
    if (bar == std::string_view::npos) throw Error(where + ": synset line without a gloss (\" | \")");
    const std::string_view fields = line.substr(0, bar);

    Synset synset;
    synset.partOfSpeech = partOfSpeech;
    std::size_t pos = 0;
    synset.offset = std::string(nextToken(fields, pos));
    nextToken(fields, pos);   // lex_filenum
    const std::string_view type = nextToken(fields, pos);
    std::size_t wordCount = 0;
    if (synset.offset.empty() || type.size() != 1 || !parseHex(nextToken(fields, pos), wordCount) || wordCount == 0)
        throw Error(where + ": malformed synset line (expected offset, lex_filenum, ss_type, w_cnt)");
    for (std::size_t i = 0; i < wordCount; ++i) {
        const std::string_view word = nextToken(fields, pos);
        const std::string_view lexId = nextToken(fields, pos);
        if (word.empty() || lexId.empty()) throw Error(where + ": synset line has fewer words than its w_cnt");
        synset.lemmas.push_back(readableLemma(word));
    }
    synset.gloss = splitGloss(line.substr(bar + 3));
    return synset;
}

std::vector<Synset> readWordNetSynsets(const std::string& wordnetDir) {
    requireDirectory(wordnetDir, "WordNet database (package wordnet-base)");
    std::vector<Synset> synsets;
    for (const WordNetPart& part : kWordNetParts) {
        const std::string path = joinPath(wordnetDir, std::string("data.") + part.fileSuffix);
        const std::string text = toValidUtf8(readWholeFile(path));
        std::size_t lineNumber = 0;
        for (const std::string& line : splitLines(text)) {
            ++lineNumber;
            if (auto synset = parseSynsetLine(line, part.letter, path + ":" + std::to_string(lineNumber)))
                synsets.push_back(std::move(*synset));
        }
    }
    return synsets;
}

}  // namespace l1ra::demo
