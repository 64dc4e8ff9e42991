#include "acronym_questions.h"

#include "text_clean.h"

#include <string_view>

namespace l1ra::demo {

namespace {

constexpr std::size_t kMaxAcronymChars = 10;

// The offensive fortunes are left out; the general acronym list has some chat slang of the same kind.
constexpr std::string_view kRudeWords[] = {"ass", "bastard", "bitch", "crap", "damn", "fuck", "fucking",
                                           "piss", "pissed", "pissing", "shit"};

bool isRude(const std::string& expansion) {
    for (std::string_view word : kRudeWords)
        if (containsWord(expansion, word)) return true;
    return false;
}

bool isComputingList(const std::string& sourceFile) {
    return sourceFile.size() >= 5 && sourceFile.compare(sourceFile.size() - 5, 5, ".comp") == 0;
}

}  // namespace

std::vector<TaskItem> acronymTaskItems(const std::vector<AcronymEntry>& entries) {
    std::vector<TaskItem> items;
    for (const AcronymEntry& entry : entries) {
        if (entry.acronym.size() < 2 || entry.acronym.size() > kMaxAcronymChars || isRude(entry.expansion)) continue;
        const std::string context = isComputingList(entry.sourceFile) ? "In computing, what" : "What";
        items.push_back({"acronym", "acronym:" + asciiUpper(entry.acronym),
                         context + " does the acronym " + entry.acronym + " stand for?", entry.expansion});
    }
    return items;
}

}  // namespace l1ra::demo
