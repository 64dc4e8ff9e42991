#pragma once
// Python's string semantics on UTF-8 text: templates index, slice, measure and strip strings by code point and
// print numbers the way Python does, so a rendering matches transformers' byte for byte.
#include <string>

namespace l1ra::jinja {

// Bytes that are not valid UTF-8 decode to U+DC80..U+DCFF and encode back to the same byte (no data is lost).
std::u32string decodeUtf8(const std::string& text);
std::string encodeUtf8(const std::u32string& text);
char32_t decodeAt(const std::string& text, size_t& i);   // the code point at i; i moves past it
void appendUtf8(std::string& out, char32_t c);
size_t codePointCount(const std::string& text);
bool isAscii(const std::string& text);

bool pythonIsSpace(char32_t c);   // str.isspace(): what strip() and split() remove
// str.strip / lstrip / rstrip; `chars` null strips whitespace, else any of its code points.
std::string pythonStrip(const std::string& text, bool left, bool right, const std::string* chars = nullptr);

// Case mapping for ASCII, Latin-1, Greek and Cyrillic letters (Python maps all of Unicode).
char32_t toUpper(char32_t c);
char32_t toLower(char32_t c);
bool isCased(char32_t c);         // a letter with an upper and a lower form
std::string upper(const std::string& text);
std::string lower(const std::string& text);
std::string capitalize(const std::string& text);   // str.capitalize(): first upper, the rest lower
std::string pythonTitle(const std::string& text);  // str.title(): every run of letters capitalised

std::string pythonFloatRepr(double x);              // repr(float): 1.0, 0.1, 1e-05, 1e+16, inf, nan
std::string pythonStringRepr(const std::string& s); // repr(str): 'it' or "it's", with escapes
std::string jsonString(const std::string& s);       // json.dumps(str, ensure_ascii=False)
double pythonRound(double x, int digits);           // round(x, digits): exact value, halves to even

}  // namespace l1ra::jinja
