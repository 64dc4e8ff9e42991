#pragma once
// UTF-8 as tokenizers meet it: text is normally valid, but byte tokens can split a character and input files
// can hold stray bytes, so every helper also has a defined answer for invalid bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace l1ra::text {

constexpr uint32_t kInvalidCodePoint = 0xFFFFFFFFu;

// Length of the well-formed character at s[i]; 0 when s[i] does not start one (a stray or truncated byte).
std::size_t wellFormedLength(std::string_view s, std::size_t i);

// Length of the character at s[i], counting an invalid byte as a one-byte character of its own.
inline std::size_t charLength(std::string_view s, std::size_t i) {
    const std::size_t n = wellFormedLength(s, i);
    return n ? n : 1;
}

// The code point at s[i] (kInvalidCodePoint for an invalid byte); *length gets charLength(s, i).
uint32_t decodeChar(std::string_view s, std::size_t i, std::size_t* length);

void appendCodePoint(std::string& out, uint32_t cp);
std::string codePointString(uint32_t cp);

bool isValidUtf8(std::string_view s);

// Invalid sequences replaced by U+FFFD, one per maximal ill-formed subpart (what Rust's from_utf8_lossy does).
std::string lossyUtf8(std::string_view bytes);

// True when `text` ends with U+FFFD (what a decoder shows for bytes still waiting for their character).
bool endsWithReplacementChar(std::string_view text);

// Unicode White_Space (what `\s` means in the regex engines tokenizers use).
bool isWhiteSpace(uint32_t cp);

}  // namespace l1ra::text
