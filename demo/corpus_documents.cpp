#include "corpus_documents.h"

#include "seeded_random.h"
#include "text_clean.h"

#include <algorithm>
#include <cmath>

namespace l1ra::demo {

namespace {

// "a, b, c" -> "a, b or c".
std::string listWithOr(const std::vector<std::string>& words) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
        out += words[i];
    }
    return out;
}

}  // namespace

std::string wordnetDocumentText(const Synset& synset) {
    if (synset.lemmas.empty() || synset.gloss.definition.empty()) return {};
    std::string text = synset.lemmas[0] + ": " + synset.gloss.definition;
    const char last = text.back();
    if (last != '.' && last != '!' && last != '?') text.push_back('.');
    if (synset.lemmas.size() > 1)
        text += "\nAlso called " + listWithOr({synset.lemmas.begin() + 1, synset.lemmas.end()}) + ".";
    for (const std::string& example : synset.gloss.examples) {
        const std::string sentence = asSentence(example);
        if (!sentence.empty()) text += "\n" + sentence;
    }
    return text;
}

std::vector<CorpusDocument> wordnetDocuments(const std::vector<Synset>& synsets) {
    std::vector<CorpusDocument> documents;
    documents.reserve(synsets.size());
    for (const Synset& synset : synsets) {
        std::string text = wordnetDocumentText(synset);
        if (!text.empty()) documents.push_back({"wordnet", std::move(text)});
    }
    return documents;
}

std::vector<CorpusDocument> fortuneDocuments(const std::vector<std::string>& fortunes) {
    std::vector<CorpusDocument> documents;
    for (const std::string& fortune : fortunes)
        if (!fortune.empty() && letterShare(fortune) >= kMinFortuneLetterShare) documents.push_back({"fortune", fortune});
    return documents;
}

CorpusSplit splitCorpus(std::vector<CorpusDocument> documents, uint64_t seed, double valFraction, int64_t maxBytes) {
    seededShuffle(documents, purposeSeed(seed, "corpus"));
    if (maxBytes > 0) {
        std::size_t kept = 0;
        int64_t bytes = 0;
        for (; kept < documents.size(); ++kept) {
            const int64_t written = int64_t(documents[kept].text.size()) + (kept == 0 ? 1 : 2);   // "\n" or "\n\n"
            if (bytes + written > maxBytes) break;
            bytes += written;
        }
        documents.resize(kept);
    }
    std::size_t valCount = std::size_t(std::llround(valFraction * double(documents.size())));
    if (valFraction > 0 && valCount == 0 && documents.size() >= 2) valCount = 1;
    valCount = std::min(valCount, documents.size());

    CorpusSplit split;
    split.val.assign(std::make_move_iterator(documents.begin()),
                     std::make_move_iterator(documents.begin() + std::ptrdiff_t(valCount)));
    split.train.assign(std::make_move_iterator(documents.begin() + std::ptrdiff_t(valCount)),
                       std::make_move_iterator(documents.end()));
    return split;
}

std::string corpusFileText(const std::vector<CorpusDocument>& documents) {
    std::size_t size = 0;
    for (const CorpusDocument& document : documents) size += document.text.size() + 2;
    std::string text;
    text.reserve(size);
    for (const CorpusDocument& document : documents) {
        if (!text.empty()) text += "\n";
        text += document.text;
        text += "\n";
    }
    return text;
}

}  // namespace l1ra::demo
