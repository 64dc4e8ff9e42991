#pragma once
// Which sense of a word is its everyday one, and how common the word is. WordNet's index.<pos> lists a
// lemma's synsets most frequent first; cntlist.rev counts how often each sense was tagged in the
// Semantic Concordance ("dog%1:05:00:: 1 42": sense 1 of the noun "dog", 42 times).
#include <cstdint>
#include <string>
#include <vector>

namespace l1ra::demo {

struct PrimarySense {
    std::string lemma;          // as in the index: lower case, '_' between words
    char partOfSpeech = 'n';    // n, v, a or r
    std::string synsetOffset;   // the first (most frequent) synset in the index
    int64_t tagCount = 0;       // times that sense was tagged; 0 when cntlist.rev does not list it
};

// One entry per (lemma, part of speech) of index.{noun,verb,adj,adv}, in file order. Needs cntlist.rev.
// Throws l1ra::Error naming a missing file or the line of a malformed one.
std::vector<PrimarySense> readPrimarySenses(const std::string& wordnetDir);

}  // namespace l1ra::demo
