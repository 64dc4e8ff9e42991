#pragma once
// Helpers shared by the fuzz targets: the parsers under test read files, so each input is written to a private
// temporary folder first; multi-part inputs are split at a marker line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace l1ra::fuzz {

// Writes `bytes` to `name` inside this process's temporary folder (made once) and returns the file's path.
std::string writeInputFile(const std::string& name, const std::string& bytes);

// The text before the first `marker` and the text after it (the second part is empty when there is no marker).
std::pair<std::string, std::string> splitAt(const std::string& input, const std::string& marker);

// A parser's error must name the file (or option) it came from: aborts, as a finding, when `e` does not mention
// `what`. With L1RA_FUZZ_PRINT set, prints every message (the replay then shows what each corpus input gets).
void requireMentions(const std::exception& e, const std::string& what);

inline std::string asString(const std::uint8_t* data, std::size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace l1ra::fuzz
