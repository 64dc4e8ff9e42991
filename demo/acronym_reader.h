#pragma once
// Reads the bsdgames acronym lists (used by wtf(6)): one "ACRONYM<tab>expansion" per line, a "$NetBSD"
// version line at the top. In expansions "[and]" marks words the acronym's letters skip and "{a,b}"
// gives alternative words.
#include <string>
#include <string_view>
#include <vector>

namespace l1ra::demo {

struct AcronymEntry {
    std::string acronym;     // "ATM"
    std::string expansion;   // rendered: "automated teller machine"
    std::string sourceFile;  // file name: "acronyms" (general) or "acronyms.comp" (computing)
};

// "authentication, authorization, [and] accounting" -> "authentication, authorization, and accounting";
// "{automated,automatic} teller machine" -> "automated teller machine".
std::string renderAcronymExpansion(std::string_view expansion);

// Entries in file order. Lines that are empty, version lines, or without an expansion are skipped.
// A line without a tab is split at its first run of spaces (acronyms.comp has one such line).
std::vector<AcronymEntry> parseAcronyms(const std::string& text, const std::string& sourceFile);
std::vector<AcronymEntry> readAcronymFile(const std::string& path);   // throws l1ra::Error naming the file

}  // namespace l1ra::demo
