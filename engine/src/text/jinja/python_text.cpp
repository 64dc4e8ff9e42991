#include "text/jinja/python_text.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace l1ra::jinja {

static int sequenceLength(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) return 2;
    if ((lead & 0xF0) == 0xE0) return 3;
    if ((lead & 0xF8) == 0xF0) return 4;
    return 0;
}

// One code point at `i`, advancing `i`; an invalid byte becomes U+DC80+byte (Python's surrogateescape).
char32_t decodeAt(const std::string& s, size_t& i) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const int n = sequenceLength(lead);
    const char32_t escaped = 0xDC00 + lead;
    if (n == 1) return char32_t(s[i++]);
    bool valid = n != 0 && i + size_t(n) <= s.size();
    char32_t c = lead & (0xFF >> (n + 1));
    for (int k = 1; valid && k < n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + size_t(k)]);
        valid = (b & 0xC0) == 0x80;
        c = (c << 6) | (b & 0x3F);
    }
    i += valid ? size_t(n) : 1;
    return valid ? c : escaped;
}

std::u32string decodeUtf8(const std::string& text) {
    std::u32string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) out.push_back(decodeAt(text, i));
    return out;
}

void appendUtf8(std::string& out, char32_t c) {
    if (c >= 0xDC80 && c <= 0xDCFF) {
        out.push_back(char(c - 0xDC00));
    } else if (c < 0x80) {
        out.push_back(char(c));
    } else if (c < 0x800) {
        out.push_back(char(0xC0 | (c >> 6)));
        out.push_back(char(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(char(0xE0 | (c >> 12)));
        out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(char(0x80 | (c & 0x3F)));
    } else {
        out.push_back(char(0xF0 | (c >> 18)));
        out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(char(0x80 | (c & 0x3F)));
    }
}

std::string encodeUtf8(const std::u32string& text) {
    std::string out;
    out.reserve(text.size());
    for (char32_t c : text) appendUtf8(out, c);
    return out;
}

size_t codePointCount(const std::string& text) {
    size_t n = 0;
    for (size_t i = 0; i < text.size(); ++n) decodeAt(text, i);
    return n;
}

bool isAscii(const std::string& text) {
    for (char c : text)
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    return true;
}

bool pythonIsSpace(char32_t c) {
    if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) return true;
    if (c < 0x85) return false;
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0x3000;
}

std::string pythonStrip(const std::string& text, bool left, bool right, const std::string* chars) {
    const std::u32string cs = decodeUtf8(text);
    const std::u32string set = chars ? decodeUtf8(*chars) : std::u32string();
    auto strippable = [&](char32_t c) { return chars ? set.find(c) != std::u32string::npos : pythonIsSpace(c); };
    size_t begin = 0, end = cs.size();
    if (left)
        while (begin < end && strippable(cs[begin])) ++begin;
    if (right)
        while (end > begin && strippable(cs[end - 1])) --end;
    return encodeUtf8(cs.substr(begin, end - begin));
}

// Letters whose other case is a fixed offset away: ASCII, Latin-1, basic Greek and Cyrillic.
char32_t toUpper(char32_t c) {
    if (c >= 'a' && c <= 'z') return c - 32;
    if ((c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 32;
    if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 32;
    if (c >= 0x430 && c <= 0x44F) return c - 32;
    if (c >= 0x450 && c <= 0x45F) return c - 80;
    return c;
}

char32_t toLower(char32_t c) {
    if (c >= 'A' && c <= 'Z') return c + 32;
    if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 32;
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
    if (c >= 0x410 && c <= 0x42F) return c + 32;
    if (c >= 0x400 && c <= 0x40F) return c + 80;
    return c;
}

bool isCased(char32_t c) { return toUpper(c) != c || toLower(c) != c || c == 0xDF || c == 0xFF; }

static std::string mapCodePoints(const std::string& text, char32_t (*map)(char32_t)) {
    std::u32string cs = decodeUtf8(text);
    for (char32_t& c : cs) c = map(c);
    return encodeUtf8(cs);
}

std::string upper(const std::string& text) {
    std::string out;
    for (char32_t c : decodeUtf8(text)) {
        if (c == 0xDF) out += "SS";   // the one common letter whose upper case is two letters
        else appendUtf8(out, toUpper(c));
    }
    return out;
}
std::string lower(const std::string& text) { return mapCodePoints(text, toLower); }

std::string capitalize(const std::string& text) {
    std::u32string cs = decodeUtf8(text);
    for (size_t i = 0; i < cs.size(); ++i) cs[i] = i == 0 ? toUpper(cs[i]) : toLower(cs[i]);
    return encodeUtf8(cs);
}

std::string pythonTitle(const std::string& text) {
    std::u32string cs = decodeUtf8(text);
    bool previousCased = false;
    for (char32_t& c : cs) {
        const bool cased = isCased(c);
        c = cased ? (previousCased ? toLower(c) : toUpper(c)) : c;
        previousCased = cased;
    }
    return encodeUtf8(cs);
}

// Shortest digits that read back as x, and the decimal exponent of the first digit.
static void shortestDigits(double x, std::string& digits, int& exponent) {
    char buffer[40];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buffer, sizeof buffer, "%.*e", precision - 1, x);
        if (std::strtod(buffer, nullptr) == x || precision == 17) break;
    }
    const std::string s(buffer);
    const size_t e = s.find('e');
    for (size_t i = 0; i < e; ++i)
        if (s[i] >= '0' && s[i] <= '9') digits.push_back(s[i]);
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    exponent = std::atoi(s.c_str() + e + 1);
}

std::string pythonFloatRepr(double x) {
    if (std::isnan(x)) return "nan";
    if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
    std::string sign = std::signbit(x) ? "-" : "";
    if (x == 0) return sign + "0.0";
    std::string digits;
    int exponent = 0;
    shortestDigits(std::fabs(x), digits, exponent);
    const int point = exponent + 1;   // digits before the decimal point
    const int n = int(digits.size());
    if (point > -4 && point <= 16) {
        if (point <= 0) return sign + "0." + std::string(size_t(-point), '0') + digits;
        if (point < n) return sign + digits.substr(0, size_t(point)) + "." + digits.substr(size_t(point));
        return sign + digits + std::string(size_t(point - n), '0') + ".0";
    }
    std::string mantissa = digits.substr(0, 1) + (n > 1 ? "." + digits.substr(1) : "");
    char tail[16];
    std::snprintf(tail, sizeof tail, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return sign + mantissa + tail;
}

static bool printable(char32_t c) {
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0xA0) || c == 0xAD) return false;
    if ((c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) || (c >= 0x205F && c <= 0x206F)) return false;
    if (c == 0x1680 || c == 0x3000 || c == 0xFEFF || (c >= 0xD800 && c <= 0xF8FF)) return false;
    return true;
}

static void appendEscape(std::string& out, char32_t c) {
    char buffer[16];
    if (c <= 0xFF) std::snprintf(buffer, sizeof buffer, "\\x%02x", unsigned(c));
    else if (c <= 0xFFFF) std::snprintf(buffer, sizeof buffer, "\\u%04x", unsigned(c));
    else std::snprintf(buffer, sizeof buffer, "\\U%08x", unsigned(c));
    out += buffer;
}

std::string pythonStringRepr(const std::string& s) {
    const bool useDouble = s.find('\'') != std::string::npos && s.find('"') == std::string::npos;
    const char quote = useDouble ? '"' : '\'';
    std::string out(1, quote);
    for (char32_t c : decodeUtf8(s)) {
        if (c == char32_t(quote) || c == '\\') out += '\\', out += char(c);
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (!printable(c)) appendEscape(out, c);
        else appendUtf8(out, c);
    }
    return out + quote;
}

std::string jsonString(const std::string& s) {
    std::string out = "\"";
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20) {
                    char buffer[8];
                    std::snprintf(buffer, sizeof buffer, "\\u%04x", unsigned(c));
                    out += buffer;
                } else {
                    out += ch;
                }
        }
    }
    return out + "\"";
}

double pythonRound(double x, int digits) {
    if (!std::isfinite(x)) return x;
    if (digits < 0) {
        const double scale = std::pow(10.0, -digits);
        return std::nearbyint(x / scale) * scale;
    }
    if (digits > 300) return x;
    char buffer[400];
    std::snprintf(buffer, sizeof buffer, "%.*f", digits, x);   // exact value, ties to even
    return std::strtod(buffer, nullptr);
}

}  // namespace l1ra::jinja
