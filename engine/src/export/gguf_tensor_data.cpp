#include "export/gguf_tensor_data.h"

#include "io/little_endian.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace l1ra::gguf {

namespace {

uint32_t bitsOf(float f) {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return b;
}

}  // namespace

uint16_t floatToHalf(float value) {
    const uint32_t b = bitsOf(value);
    const uint16_t sign = uint16_t((b >> 16) & 0x8000);
    const uint32_t absBits = b & 0x7fffffff;
    if (absBits >= 0x7f800000) return uint16_t(sign | 0x7c00 | (absBits > 0x7f800000 ? 0x200 : 0));   // inf, NaN
    if (absBits >= 0x477ff000) return uint16_t(sign | 0x7c00);   // rounds beyond 65504: infinity
    if (absBits < 0x38800000) {                                   // subnormal half (or zero)
        const float scaled = std::fabs(value) * 16777216.0f;      // in units of 2^-24, exact in fp32 here
        return uint16_t(sign | uint16_t(std::nearbyint(scaled)));   // the default rounding mode: to nearest even
    }
    const uint32_t exponent = ((absBits >> 23) - 112) << 10;
    const uint32_t mantissa = absBits & 0x7fffff;
    uint32_t half = exponent | (mantissa >> 13);
    const uint32_t rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1))) ++half;   // a carry into the exponent is still right
    return uint16_t(sign | half);
}

float halfToFloat(uint16_t h) {
    const float sign = (h & 0x8000) ? -1.0f : 1.0f;
    const int exponent = (h >> 10) & 0x1f;
    const int mantissa = h & 0x3ff;
    if (exponent == 0) return sign * std::ldexp(float(mantissa), -24);
    if (exponent == 31) return mantissa ? NAN : sign * INFINITY;
    return sign * std::ldexp(float(mantissa | 0x400), exponent - 25);
}

uint16_t floatToBFloat16(float value) {
    const uint32_t b = bitsOf(value);
    if ((b & 0x7fffffff) > 0x7f800000) return uint16_t((b >> 16) | 0x40);   // NaN stays NaN
    return uint16_t((b + 0x7fff + ((b >> 16) & 1)) >> 16);
}

std::string encodeTensorData(const float* values, uint64_t count, TensorType type) {
    std::string out;
    out.reserve(tensorBytes(type, count));
    switch (type) {
    case TensorType::F32:
        out.assign(reinterpret_cast<const char*>(values), count * 4);
        break;
    case TensorType::F16:
        for (uint64_t i = 0; i < count; ++i) appendLittleEndian(out, floatToHalf(values[i]));
        break;
    case TensorType::BF16:
        for (uint64_t i = 0; i < count; ++i) appendLittleEndian(out, floatToBFloat16(values[i]));
        break;
    case TensorType::Q8_0:
        for (uint64_t block = 0; block + 32 <= count; block += 32) {
            float amax = 0;
            for (int i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(values[block + i]));
            const float d = amax / 127.0f;
            const float inverse = d > 0 ? 1.0f / d : 0.0f;
            appendLittleEndian(out, floatToHalf(d));
            for (int i = 0; i < 32; ++i) appendLittleEndian(out, int8_t(std::lround(values[block + i] * inverse)));
        }
        break;
    }
    return out;
}

}  // namespace l1ra::gguf
