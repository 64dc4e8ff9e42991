#include "text/byte_level.h"

#include "text/utf8.h"

#include <array>

namespace l1ra::text {

namespace {

// Printable bytes (! to ~, ¡ to ¬, ® to ÿ) stand for themselves; the others take 256, 257, ... in byte order.
struct ByteTable {
    std::array<uint32_t, 256> codePoint{};
    std::array<std::string, 256> utf8;
    std::array<int, 256 + 68> byteOf{};   // by code point; -1 where no byte maps to it
    ByteTable() {
        byteOf.fill(-1);
        uint32_t next = 256;
        for (uint32_t b = 0; b < 256; ++b) {
            const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            codePoint[b] = printable ? b : next++;
            utf8[b] = codePointString(codePoint[b]);
            byteOf[codePoint[b]] = int(b);
        }
    }
};

const ByteTable& table() {
    static const ByteTable t;
    return t;
}

}  // namespace

const std::string& byteLevelChar(unsigned char b) { return table().utf8[b]; }

int byteOfByteLevelChar(uint32_t cp) { return cp < table().byteOf.size() ? table().byteOf[cp] : -1; }

std::string toByteLevel(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (char c : bytes) out += byteLevelChar(static_cast<unsigned char>(c));
    return out;
}

bool fromByteLevel(std::string_view text, std::string& out) {
    std::string bytes;
    bytes.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        std::size_t n = 0;
        const uint32_t cp = decodeChar(text, i, &n);
        const int b = cp == kInvalidCodePoint ? -1 : byteOfByteLevelChar(cp);
        if (b < 0) return false;
        bytes += char(b);
        i += n;
    }
    out += bytes;
    return true;
}

}  // namespace l1ra::text
