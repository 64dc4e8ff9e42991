#pragma once
// Reads WordNet's data.{noun,verb,adj,adv} (format wndb(5)). A synset line is
// "offset lex_filenum ss_type w_cnt word lex_id ... p_cnt pointers ... | gloss"; lines starting with two
// spaces are the licence header. A gloss is a definition followed by quoted example sentences:
//   a member of the genus Canis ...; occurs in many breeds; "the dog barked all night"
#include <string>
#include <string_view>
#include <optional>
#include <vector>

namespace l1ra::demo {

struct Gloss {
    std::string definition;             // without the examples and the ';' before them
    std::vector<std::string> examples;  // without their quotes
};

struct Synset {
    std::string offset;                 // 8 digits; with the part of speech it identifies the synset
    char partOfSpeech = 'n';            // the data file's: n, v, a (satellites included) or r
    std::vector<std::string> lemmas;    // readable: "domestic dog", not "domestic_dog"; no "(p)" markers
    Gloss gloss;
};

// Definition = text before the first quote; examples = the quoted passages after it. Text outside the
// quotes after that point (attributions such as "- Shakespeare") is dropped.
Gloss splitGloss(std::string_view gloss);

// "ready_to_hand(p)" -> "ready to hand".
std::string readableLemma(std::string_view lemma);

// nullopt for licence and empty lines; throws l1ra::Error naming `where` for a malformed synset line.
std::optional<Synset> parseSynsetLine(std::string_view line, char partOfSpeech, const std::string& where);

// Every synset of the four data files, in file order (noun, verb, adj, adv).
std::vector<Synset> readWordNetSynsets(const std::string& wordnetDir);

// The four files and their part-of-speech letters, shared with the sense reader.
struct WordNetPart {
    const char* fileSuffix;   // "noun"
    char letter;              // 'n'
};
constexpr WordNetPart kWordNetParts[] = {{"noun", 'n'}, {"verb", 'v'}, {"adj", 'a'}, {"adv", 'r'}};

}  // namespace l1ra::demo
