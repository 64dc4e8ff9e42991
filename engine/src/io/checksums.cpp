#include "io/checksums.h"

#include <array>

namespace l1ra {

namespace {

std::array<uint32_t, 256> reflectedTable(uint32_t polynomial) {
    std::array<uint32_t, 256> table{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int bit = 0; bit < 8; ++bit) c = (c & 1) ? (c >> 1) ^ polynomial : c >> 1;
        table[i] = c;
    }
    return table;
}

uint32_t reflectedCrc(const std::array<uint32_t, 256>& table, const void* data, std::size_t size, uint32_t crc) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    crc = ~crc;
    for (std::size_t i = 0; i < size; ++i) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

}  // namespace

uint32_t crc32c(const void* data, std::size_t size) {
    static const auto table = reflectedTable(0x82F63B78u);
    return reflectedCrc(table, data, size, 0);
}

uint32_t maskedCrc32c(const void* data, std::size_t size) {
    const uint32_t crc = crc32c(data, size);
    return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

uint32_t crc32(const void* data, std::size_t size, uint32_t crc) {
    static const auto table = reflectedTable(0xEDB88320u);
    return reflectedCrc(table, data, size, crc);
}

uint32_t adler32(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    uint32_t a = 1, b = 0;
    for (std::size_t i = 0; i < size; ++i) {
        a = (a + bytes[i]) % 65521;
        b = (b + a) % 65521;
    }
    return (b << 16) | a;
}

}  // namespace l1ra
