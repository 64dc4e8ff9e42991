#pragma once
// Reads fortune(6) files: records separated by a line holding only '%'. Beside each text file lie
// strfile's index (.dat) and a UTF-8 link (.u8); offensive fortunes live in a subfolder (off/), which is
// never read.
#include <string>
#include <vector>

namespace l1ra::demo {

// Records of one file, cleaned: terminal overstrikes resolved, whitespace collapsed within each line,
// blank lines dropped (a blank line separates documents in the corpus), empty records dropped.
// Lines stay separate: fortunes are often verse or dialogue.
std::vector<std::string> parseFortunes(const std::string& text);

// Names of the fortune text files directly in `dir`, sorted; .dat, .u8 and hidden files are left out.
std::vector<std::string> fortuneFileNames(const std::string& dir);

std::vector<std::string> readFortuneFile(const std::string& path);   // throws l1ra::Error naming the file

}  // namespace l1ra::demo
