#pragma once
// Shared by the demo suites: a small hand-written copy of the Debian sources, and file helpers.
#include "demo_data.h"

#include <string>
#include <vector>

namespace l1ra::demo::test {

void writeFile(const std::string& path, const std::string& bytes);   // creates parent folders
std::string readFile(const std::string& path);

// Writes wordnet/, bsdgames/, fortunes/ and doc/ under `root`, laid out like the Debian packages and
// using their syntax (licence header lines, quiz continuations and patterns, overstrikes, .dat files,
// an off/ folder), and returns sources pointing at them. What each file should yield is noted in it.
DemoSources writeSampleSources(const std::string& root);

struct AlpacaRecord {
    std::string instruction, input, output;
};

// Parses a JSONL file of alpaca records; throws std::runtime_error naming the line that is not one
// (not JSON, not an object, keys other than exactly instruction/input/output in that order, non-strings).
std::vector<AlpacaRecord> readAlpacaFile(const std::string& path);

}  // namespace l1ra::demo::test
