#pragma once
// Text clean-up shared by the readers: the sources are decades-old plain-text files with tabs, terminal
// overstrikes and the odd byte that is not UTF-8.
#include <string>
#include <string_view>
#include <vector>

namespace l1ra::demo {

// Runs of spaces, tabs and newlines become one space; leading and trailing ones go.
std::string collapseWhitespace(std::string_view text);
std::string trim(std::string_view text);

// What a printing terminal shows: backspaces draw over the previous character ("_\bx" or "___\b\b\bfoo"
// underline, "'\be" accents) and the letter wins over the mark; other control characters (bell, form
// feed) are dropped. Tabs and newlines stay.
std::string plainTerminalText(std::string_view text);

// Bytes that are not valid UTF-8 are read as Latin-1 (what old fortune files used), so the result is
// always valid UTF-8 and JSON writers never choke on it.
std::string toValidUtf8(std::string_view text);

// Lines without their '\n' (and a '\r' before it); a final line without '\n' is kept.
std::vector<std::string> splitLines(std::string_view text);

std::string asciiLower(std::string_view text);
std::string asciiUpper(std::string_view text);

// Share of letters among the non-space characters (1 for empty text): tells prose from ASCII art.
double letterShare(std::string_view text);

bool hasControlCharacters(std::string_view text);   // any byte below 0x20 other than '\n'

// Turns an example fragment such as "the dog barked" into a sentence: capital first letter, final stop.
std::string asSentence(std::string_view text);

// "northern new jersey" -> "Northern New Jersey": the first letter of every word in upper case.
std::string titleCase(std::string_view text);

// True when `word` occurs in `text` as a whole word, ignoring ASCII case.
bool containsWord(std::string_view text, std::string_view word);

}  // namespace l1ra::demo
