#pragma once
// GPT-2's byte-to-character table: byte-level BPE writes every byte as a printable character (space is "Ġ",
// newline "Ċ") so that vocabulary entries are ordinary strings.
#include <cstdint>
#include <string>
#include <string_view>

namespace l1ra::text {

// The UTF-8 of the character standing for byte b.
const std::string& byteLevelChar(unsigned char b);

// The byte a character stands for, or -1 when `cp` is not in the table.
int byteOfByteLevelChar(uint32_t cp);

// Every byte of `bytes` written as its character.
std::string toByteLevel(std::string_view bytes);

// The bytes behind a byte-level string; false when a character is not in the table (then `out` is untouched).
bool fromByteLevel(std::string_view text, std::string& out);

}  // namespace l1ra::text
