#include "definition_questions.h"

#include "text_clean.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace l1ra::demo {

namespace {

bool isPlainLowercaseWord(const std::string& lemma) {
    if (lemma.size() < 3) return false;
    return std::all_of(lemma.begin(), lemma.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

std::size_t wordCount(const std::string& text) {
    const std::string collapsed = collapseWhitespace(text);
    return collapsed.empty() ? 0 : std::size_t(std::count(collapsed.begin(), collapsed.end(), ' ')) + 1;
}

// "a member of the genus Canis; occurs in many breeds" -> "a member of the genus Canis".
std::string firstClause(const std::string& definition) { return trim(definition.substr(0, definition.find(';'))); }

}  // namespace

std::vector<TaskItem> definitionTaskItems(const std::vector<Synset>& synsets, const std::vector<PrimarySense>& senses) {
    // Satellite adjectives live in data.adj too, so (part of speech, offset) finds every synset.
    std::unordered_map<std::string, const Synset*> synsetByKey;
    synsetByKey.reserve(synsets.size());
    for (const Synset& synset : synsets) synsetByKey[std::string(1, synset.partOfSpeech) + synset.offset] = &synset;

    // The most tagged part of speech of each word; senses come noun, verb, adj, adv, so ties keep the first.
    std::map<std::string, const PrimarySense*> bestSense;
    for (const PrimarySense& sense : senses) {
        if (sense.tagCount <= 0 || !isPlainLowercaseWord(sense.lemma)) continue;
        const PrimarySense*& best = bestSense[sense.lemma];
        if (best == nullptr || sense.tagCount > best->tagCount) best = &sense;
    }

    std::vector<const PrimarySense*> chosen;
    std::map<const PrimarySense*, std::string> definitionOf;
    for (const auto& [lemma, sense] : bestSense) {
        const auto synset = synsetByKey.find(std::string(1, sense->partOfSpeech) + sense->synsetOffset);
        if (synset == synsetByKey.end()) continue;
        const std::string definition = firstClause(synset->second->gloss.definition);
        const std::size_t words = wordCount(definition);
        if (words == 0 || words > kMaxDefinitionWords || containsWord(definition, lemma)) continue;
        chosen.push_back(sense);
        definitionOf[sense] = definition;
    }
    std::sort(chosen.begin(), chosen.end(), [](const PrimarySense* a, const PrimarySense* b) {
        return a->tagCount != b->tagCount ? a->tagCount > b->tagCount : a->lemma < b->lemma;
    });

    std::vector<TaskItem> items;
    items.reserve(chosen.size());
    for (const PrimarySense* sense : chosen)
        items.push_back({"definition", "word:" + sense->lemma, "Define the word: " + sense->lemma, definitionOf[sense]});
    return items;
}

}  // namespace l1ra::demo
