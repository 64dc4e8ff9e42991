#pragma once
// Helpers of the tokenizer suites (no torch): fixture folders, edited copies of them, random text.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <random>
#include <string>

namespace l1ra::test {

std::string tokenizerFixture(const std::string& name);   // tests/data/tokenizers/NAME
nlohmann::json readJson(const std::string& path);
void writeJson(const std::string& path, const nlohmann::json& j);

// Copies a fixture folder into `dir` with its tokenizer.json (and tokenizer_config.json, when given) replaced.
std::string editedFixture(const std::string& dir, const std::string& fixture, const nlohmann::json& tokenizer,
                          const nlohmann::json* config = nullptr);

// Random valid UTF-8 over ASCII, Latin, CJK, emoji and supplementary planes (no surrogates).
std::string randomUtf8(std::mt19937& rng, int chars);
// Random ASCII in which Llama 3's pattern has work to do: contractions, digit runs, spaces, newlines, symbols.
std::string randomTrickyAscii(std::mt19937& rng, int pieces);

bool validUtf8(const std::string& s);

}  // namespace l1ra::test
