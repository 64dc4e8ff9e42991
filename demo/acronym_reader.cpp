#include "acronym_reader.h"

#include "file_io.h"
#include "text_clean.h"

namespace l1ra::demo {

std::string renderAcronymExpansion(std::string_view expansion) {
    std::string out;
    for (std::size_t i = 0; i < expansion.size(); ++i) {
        const char c = expansion[i];
        if (c == '[' || c == ']') continue;   // the skipped words are still part of the expansion
        if (c != '{') {
            out.push_back(c);
            continue;
        }
        const std::size_t close = expansion.find('}', i);
        if (close == std::string_view::npos) {   // unbalanced: keep the rest as written
            out.append(expansion.substr(i));
            break;
        }
        const std::string_view choices = expansion.substr(i + 1, close - i - 1);
        out.append(choices.substr(0, choices.find(',')));
        i = close;
    }
    return collapseWhitespace(out);
}

std::vector<AcronymEntry> parseAcronyms(const std::string& text, const std::string& sourceFile) {
    std::vector<AcronymEntry> entries;
    for (const std::string& rawLine : splitLines(text)) {
        const std::string line = trim(rawLine);
        if (line.empty() || line[0] == '$') continue;
        std::size_t split = line.find('\t');
        if (split == std::string::npos) split = line.find(' ');
        if (split == std::string::npos) continue;
        AcronymEntry entry;
        entry.acronym = trim(line.substr(0, split));
        entry.expansion = renderAcronymExpansion(line.substr(split + 1));
        entry.sourceFile = sourceFile;
        if (!entry.acronym.empty() && !entry.expansion.empty()) entries.push_back(std::move(entry));
    }
    return entries;
}

std::vector<AcronymEntry> readAcronymFile(const std::string& path) {
    return parseAcronyms(toValidUtf8(readWholeFile(path)), baseName(path));
}

}  // namespace l1ra::demo
