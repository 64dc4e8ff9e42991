#pragma once
// "Define the word: lexicon" -> the short definition of the word's everyday sense. Only common words with
// short definitions are asked: a tiny model can learn "person: a human being", not 117,000 glosses.
#include "task_item.h"
#include "wordnet_reader.h"
#include "wordnet_senses.h"

#include <vector>

namespace l1ra::demo {

constexpr std::size_t kMaxDefinitionWords = 12;

// Family "definition", keyed "word:<lemma>", most common words first (by the tag count of their first
// sense; ties by lemma). One item per word: the part of speech whose first sense is tagged most often.
// Kept: single plain words of three letters or more, tagged at least once, whose definition's first
// clause has at most kMaxDefinitionWords words and does not use the word itself.
std::vector<TaskItem> definitionTaskItems(const std::vector<Synset>& synsets, const std::vector<PrimarySense>& senses);

}  // namespace l1ra::demo
