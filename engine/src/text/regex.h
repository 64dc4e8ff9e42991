#pragma once
// Regular expressions of tokenizer.json files (written for Oniguruma, which HF tokenizers uses), run with PCRE2
// in UTF + Unicode-property mode, JIT-compiled when the platform allows. Stray bytes in the subject are
// allowed: they match nothing but `.`-like negated classes never see them.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace l1ra::text {

class Regex {
public:
    // Throws l1ra::Error naming `where` (file and field) when the pattern does not compile or this build has
    // no PCRE2.
    Regex(const std::string& pattern, const std::string& where);
    ~Regex();
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;

    // Non-overlapping matches [begin, end) from left to right (an empty match moves the search on by one
    // character and is not reported).
    std::vector<std::pair<std::size_t, std::size_t>> findAll(std::string_view subject) const;

    // Whether the pattern matches at exactly `offset` (lookbehind sees the text before it).
    bool matchesAt(std::string_view subject, std::size_t offset) const;

    static bool available();   // built with PCRE2

private:
    struct Compiled;
    std::unique_ptr<Compiled> compiled_;
    std::string where_;
};

// Oniguruma's meaning of the escapes that differ in PCRE2, spelled so that PCRE2 agrees: \s and \S (White_Space;
// PCRE2's also takes U+180E), \w and \W (letters, marks, numbers, connector punctuation; PCRE2's lacks marks),
// \h and \H (hexadecimal digits; horizontal space in PCRE2).
std::string oniguruma_to_pcre2(const std::string& pattern);

}  // namespace l1ra::text
