#include "text/utf8.h"

namespace l1ra::text {

namespace {

// Allowed range of the second byte after a lead byte (Unicode table 3-7); later bytes are always 80..BF.
bool secondByteFits(unsigned char lead, unsigned char b) {
    if (lead == 0xE0) return b >= 0xA0 && b <= 0xBF;
    if (lead == 0xED) return b >= 0x80 && b <= 0x9F;
    if (lead == 0xF0) return b >= 0x90 && b <= 0xBF;
    if (lead == 0xF4) return b >= 0x80 && b <= 0x8F;
    return b >= 0x80 && b <= 0xBF;
}

std::size_t expectedLength(unsigned char lead) {
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    if (lead >= 0xE0 && lead <= 0xEF) return 3;
    if (lead >= 0xF0 && lead <= 0xF4) return 4;
    return 0;
}

// How many bytes from s[i] belong to the longest prefix of a well-formed character (at least 1).
std::size_t maximalSubpart(std::string_view s, std::size_t i) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const std::size_t need = expectedLength(lead);
    if (need <= 1) return 1;
    std::size_t n = 1;
    while (n < need && i + n < s.size()) {
        const auto b = static_cast<unsigned char>(s[i + n]);
        if (n == 1 ? !secondByteFits(lead, b) : (b < 0x80 || b > 0xBF)) break;
        ++n;
    }
    return n;
}

}  // namespace

std::size_t wellFormedLength(std::string_view s, std::size_t i) {
    const std::size_t need = expectedLength(static_cast<unsigned char>(s[i]));
    if (need == 0) return 0;
    return maximalSubpart(s, i) == need ? need : 0;
}

uint32_t decodeChar(std::string_view s, std::size_t i, std::size_t* length) {
    const std::size_t n = wellFormedLength(s, i);
    *length = n ? n : 1;
    if (n == 0) return kInvalidCodePoint;
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (n == 1) return b0;
    static const unsigned char leadMask[5] = {0, 0, 0x1F, 0x0F, 0x07};
    uint32_t cp = b0 & leadMask[n];
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    return cp;
}

void appendCodePoint(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

std::string codePointString(uint32_t cp) {
    std::string s;
    appendCodePoint(s, cp);
    return s;
}

bool isValidUtf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = wellFormedLength(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string lossyUtf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (std::size_t i = 0; i < bytes.size();) {
        const std::size_t n = wellFormedLength(bytes, i);
        if (n) {
            out.append(bytes.data() + i, n);
            i += n;
        } else {
            out += "\xEF\xBF\xBD";
            i += maximalSubpart(bytes, i);
        }
    }
    return out;
}

bool endsWithReplacementChar(std::string_view text) {
    return text.size() >= 3 && text.substr(text.size() - 3) == "\xEF\xBF\xBD";
}

bool isWhiteSpace(uint32_t cp) {
    switch (cp) {
        case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0x85: case 0xA0: case 0x1680:
        case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
            return true;
        default:
            return cp >= 0x2000 && cp <= 0x200A;
    }
}

}  // namespace l1ra::text
