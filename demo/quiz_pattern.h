#pragma once
// The little pattern language of bsdgames quiz(6) files. A record is fields separated by ':'; inside a
// field '|' separates alternatives, "[a|b]" groups alternatives, "{x}" is optional text (a group whose
// last alternative is empty), and '\' makes the next character literal (so "\:" is a colon in a field).
// quiz shows an answer by taking the first alternative of every group, optional text included; rendering
// here does the same, with two fixes for text meant to be read rather than typed at a terminal.
#include <string>
#include <string_view>
#include <vector>

namespace l1ra::demo {

// Splits at ':' that are not escaped; escapes stay in the fields for renderQuizPattern.
std::vector<std::string> splitQuizFields(std::string_view record);

enum class OptionalText {
    Include,   // "{G{eorge} }Washington" -> "George Washington" (what quiz shows)
    Omit,      // "7{(integers)}" -> "7" (for optional hints that are not part of the answer)
};

// The first alternative of every group, whitespace collapsed. Where a group spells one letter several
// ways ("Yaound['e|e'|e]", "C[^o|o^|o]te") the plain letter wins, and alternatives drawn with terminal
// backspaces are passed over when there is another. Unbalanced brackets are read leniently, never thrown.
std::string renderQuizPattern(std::string_view field, OptionalText optional = OptionalText::Include);

}  // namespace l1ra::demo
