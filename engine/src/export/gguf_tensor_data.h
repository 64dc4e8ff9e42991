#pragma once
// fp32 values encoded as a GGUF tensor's data: F32, F16 and BF16 (round to nearest even), and Q8_0 (ggml's
// reference quantisation: blocks of 32 values, an f16 scale d = max|x| / 127 and 32 int8 q = round(x / d)).
// Plain C++, no torch.
#include "export/gguf_writer.h"

#include <cstdint>
#include <string>

namespace l1ra::gguf {

uint16_t floatToHalf(float value);
float halfToFloat(uint16_t bits);
uint16_t floatToBFloat16(float value);

// `count` values, in the tensor's memory order; Q8_0 needs a multiple of 32.
std::string encodeTensorData(const float* values, uint64_t count, TensorType type);

}  // namespace l1ra::gguf
