#include "wordnet_senses.h"

#include "file_io.h"
#include "l1ra/error.h"
#include "text_clean.h"
#include "wordnet_reader.h"

#include <cstdlib>
#include <map>
#include <sstream>
#include <utility>

namespace l1ra::demo {

namespace {

std::vector<std::string> tokens(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> out;
    for (std::string token; in >> token;) out.push_back(token);
    return out;
}

// The sense key's ss_type digit as the index's part-of-speech letter (5, adjective satellite, is 'a').
char partOfSpeechOfSenseKey(char ssType) {
    switch (ssType) {
    case '1': return 'n';
    case '2': return 'v';
    case '3':
    case '5': return 'a';
    case '4': return 'r';
    default: return '\0';
    }
}

// Tag counts of every lemma's first sense, keyed by (lemma, part of speech).
std::map<std::pair<std::string, char>, int64_t> readFirstSenseCounts(const std::string& path) {
    std::map<std::pair<std::string, char>, int64_t> counts;
    std::size_t lineNumber = 0;
    for (const std::string& line : splitLines(readWholeFile(path))) {
        ++lineNumber;
        const std::vector<std::string> fields = tokens(line);
        if (fields.empty()) continue;
        const std::size_t percent = fields[0].find('%');
        if (fields.size() != 3 || percent == std::string::npos || percent + 1 >= fields[0].size())
            throw Error(path + ":" + std::to_string(lineNumber) + ": expected \"sense_key sense_number tag_cnt\"");
        if (fields[1] != "1") continue;
        const char pos = partOfSpeechOfSenseKey(fields[0][percent + 1]);
        if (pos == '\0') continue;
        counts[{fields[0].substr(0, percent), pos}] += std::atoll(fields[2].c_str());
    }
    return counts;
}

}  // namespace

std::vector<PrimarySense> readPrimarySenses(const std::string& wordnetDir) {
    requireDirectory(wordnetDir, "WordNet database (package wordnet-base)");
    const auto counts = readFirstSenseCounts(joinPath(wordnetDir, "cntlist.rev"));
    std::vector<PrimarySense> senses;
    for (const WordNetPart& part : kWordNetParts) {
        const std::string path = joinPath(wordnetDir, std::string("index.") + part.fileSuffix);
        std::size_t lineNumber = 0;
        for (const std::string& line : splitLines(readWholeFile(path))) {
            ++lineNumber;
            if (line.empty() || line[0] == ' ') continue;   // licence header
            const std::vector<std::string> fields = tokens(line);
            // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
            const std::size_t synsetCount = fields.size() > 2 ? std::size_t(std::atoll(fields[2].c_str())) : 0;
            if (fields.size() < 6 || synsetCount == 0 || synsetCount + 4 > fields.size())
                throw Error(path + ":" + std::to_string(lineNumber) + ": malformed index line");
            PrimarySense sense;
            sense.lemma = fields[0];
            sense.partOfSpeech = part.letter;
            sense.synsetOffset = fields[fields.size() - synsetCount];
            const auto count = counts.find({sense.lemma, part.letter});
            if (count != counts.end()) sense.tagCount = count->second;
            senses.push_back(std::move(sense));
        }
    }
    return senses;
}

}  // namespace l1ra::demo
