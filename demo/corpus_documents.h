#pragma once
// The pretraining corpus: WordNet synsets written out as short readable paragraphs, and fortunes.
// Documents are separated by a blank line, so no document may contain one.
#include "wordnet_reader.h"

#include <cstdint>
#include <string>
#include <vector>

namespace l1ra::demo {

struct CorpusDocument {
    std::string source;   // "wordnet" or "fortune"
    std::string text;     // no blank lines, no trailing newline
};

// "dog: a member of the genus Canis ...; occurs in many breeds.\nAlso called domestic dog or Canis
// familiaris.\nThe dog barked all night." Empty for a synset without a definition.
std::string wordnetDocumentText(const Synset& synset);
std::vector<CorpusDocument> wordnetDocuments(const std::vector<Synset>& synsets);

// Fortunes that are mostly letters: ASCII art and tables teach a language model nothing.
std::vector<CorpusDocument> fortuneDocuments(const std::vector<std::string>& fortunes);
constexpr double kMinFortuneLetterShare = 0.5;

struct CorpusSplit {
    std::vector<CorpusDocument> train;
    std::vector<CorpusDocument> val;
};

// Shuffles with the seed, keeps the documents that fit in maxBytes (0 = all; counted as written, with
// separators), then gives the first round(valFraction x kept) to validation (at least one when
// valFraction > 0 and two or more are kept).
CorpusSplit splitCorpus(std::vector<CorpusDocument> documents, uint64_t seed, double valFraction, int64_t maxBytes);

// The file content: documents separated by a blank line, ending with a newline ("" when empty).
std::string corpusFileText(const std::vector<CorpusDocument>& documents);

}  // namespace l1ra::demo
