#pragma once
// Acronym entries as questions: "What does the acronym ASAP stand for?"
#include "acronym_reader.h"
#include "task_item.h"

#include <vector>

namespace l1ra::demo {

// Family "acronym", keyed by the upper-cased acronym. Entries from acronyms.comp are asked "In computing,
// ..." so the same letters can have a general and a computing meaning without contradicting each other.
// Acronyms longer than 10 characters and expansions with swear words are left out.
std::vector<TaskItem> acronymTaskItems(const std::vector<AcronymEntry>& entries);

}  // namespace l1ra::demo
