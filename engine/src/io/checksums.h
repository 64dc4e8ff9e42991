#pragma once
// The checksums of the files the engine writes by hand: CRC-32C (TensorBoard's record framing), CRC-32 and
// Adler-32 (PNG chunks and its zlib stream). Bitwise table-driven, plain C++.
#include <cstddef>
#include <cstdint>

namespace l1ra {

// Castagnoli polynomial (0x82F63B78 reflected), as TFRecord uses it.
uint32_t crc32c(const void* data, std::size_t size);
// TFRecord's masked CRC-32C: ((crc >> 15) | (crc << 17)) + 0xa282ead8.
uint32_t maskedCrc32c(const void* data, std::size_t size);
// zlib's and PNG's CRC-32 (0xEDB88320 reflected); `crc` continues an earlier value (0 to start).
uint32_t crc32(const void* data, std::size_t size, uint32_t crc = 0);
uint32_t adler32(const void* data, std::size_t size);

}  // namespace l1ra
