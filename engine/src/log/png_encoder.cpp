#include "log/png_encoder.h"

#include "io/checksums.h"
#include "l1ra/error.h"

#include <algorithm>

namespace l1ra {

namespace {

void putBigEndian(std::string& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out += char((v >> shift) & 0xff);
}

void chunk(std::string& out, const char* type, const std::string& payload) {
    putBigEndian(out, uint32_t(payload.size()));
    const std::string typed = std::string(type, 4) + payload;
    out += typed;
    putBigEndian(out, crc32(typed.data(), typed.size()));   // over type and data, not the length
}

// A zlib stream (RFC 1950) whose deflate data (RFC 1951) is stored blocks of at most 65535 bytes.
std::string storedZlib(const std::string& raw) {
    std::string z = {char(0x78), char(0x01)};   // deflate, 32 KiB window; 0x7801 is a multiple of 31
    std::size_t at = 0;
    do {
        const std::size_t n = std::min<std::size_t>(65535, raw.size() - at);
        const bool last = at + n == raw.size();
        z += char(last ? 1 : 0);   // BFINAL, BTYPE 00 (stored)
        z += char(n & 0xff);
        z += char(n >> 8);
        z += char(~n & 0xff);
        z += char((~n >> 8) & 0xff);
        z.append(raw, at, n);
        at += n;
    } while (at < raw.size());
    putBigEndian(z, adler32(raw.data(), raw.size()));
    return z;
}

}  // namespace

std::string encodePng(int width, int height, const std::vector<uint8_t>& rgb) {
    if (width <= 0 || height <= 0 || rgb.size() != std::size_t(width) * std::size_t(height) * 3)
        throw Error("PNG encoder: pixel buffer does not match " + std::to_string(width) + " x " + std::to_string(height));
    std::string raw;   // each scanline: filter byte 0 (none), then its pixels
    raw.reserve(std::size_t(height) * (std::size_t(width) * 3 + 1));
    for (int y = 0; y < height; ++y) {
        raw += '\0';
        raw.append(reinterpret_cast<const char*>(rgb.data()) + std::size_t(y) * width * 3, std::size_t(width) * 3);
    }
    std::string header;
    putBigEndian(header, uint32_t(width));
    putBigEndian(header, uint32_t(height));
    header += {char(8), char(2), char(0), char(0), char(0)};   // 8 bits, RGB, deflate, adaptive filters, no interlace
    std::string png = "\x89PNG\r\n\x1a\n";
    chunk(png, "IHDR", header);
    chunk(png, "IDAT", storedZlib(raw));
    chunk(png, "IEND", "");
    return png;
}

}  // namespace l1ra
